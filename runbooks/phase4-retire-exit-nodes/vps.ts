/**
 * Phase 4's last part: the VPS, retired by hand. The runbook uses no provider API; it walks the operator
 * through each manual step (VPS_CHECKLIST), asking for a yes to each, and ends with the yearly saving
 * computed from the inventory's cost figures (yearlySavings: the old fixed costs minus the new ones).
 */
import { formatMoney, VPS_CHECKLIST } from './exit-nodes.ts';
import { RUNBOOK } from './steps.ts';
import { yearlySavings } from '../../src/lib/inventory/inventory.ts';
import type { Ctx } from './state.ts';

/** The VPS, by hand: each step confirmed by a person (or --vps-done), then the saving. Never undone by --rollback. */
export async function vpsChecklist(ctx: Ctx): Promise<void> {
  const s = ctx.state;
  ctx.fact('vps.retired', false);
  if (ctx.args.skipVps) ctx.skip('--skip-vps: the VPS checklist is left for another run');
  for (const [i, item] of VPS_CHECKLIST.entries()) {
    if (ctx.args.vpsDone) ctx.log(`✓ ${i + 1}. ${item} (--vps-done)`);
    else if (!(await ctx.confirm(`${i + 1}. ${item}?`)) && !ctx.dryRun)
      ctx.skip(
        `not confirmed: "${item}". The VPS is not retired yet; when it is, run again (nothing else changes) and confirm, or pass --vps-done`,
      );
  }
  if (!ctx.dryRun) ctx.fact('vps.retired', (ctx.state.vpsRetired = true));
  ctx.fact('savingPerYear', `${formatMoney(yearlySavings(s.inv), s.inv.costs.currency)}`);
}

export function summarizeRetire(ctx: Ctx): void {
  const s = ctx.state;
  const vpsRetired = Boolean(s.vpsRetired);
  const saving = formatMoney(yearlySavings(s.inv), s.inv.costs.currency);
  const vps = s.inv.costs.old.find((c) => /vps/i.test(c.item));
  const basis =
    vps?.monthly !== undefined
      ? ` (${vps.item}, ${formatMoney(vps.monthly, s.inv.costs.currency)} a month, from src/data/network.yaml costs)`
      : '';
  if (ctx.dryRun) return void ctx.log(`planned only (--dry-run). Retiring the VPS saves ${saving} a year${basis}.`);
  const n = s.unadvertise.length + s.withdraw.length;
  ctx.log(
    n ? `exit nodes retired: ${n} change(s) made and verified.` : 'no exit node was left: nothing changed; verified.',
  );
  ctx.log(
    vpsRetired
      ? `VPS retired. Yearly saving: ${saving}${basis}.`
      : `The VPS is not retired yet: once it is cancelled, the saving is ${saving} a year${basis}.`,
  );
  if (vpsRetired) ctx.log("Next: in src/data/network.yaml set phase 4 to done with today's date.");
  ctx.log(`Undo the exit-node part: npx zx runbooks/${RUNBOOK}.mjs --rollback (the VPS cannot be rolled back).`);
}
