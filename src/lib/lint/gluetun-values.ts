/**
 * Checks one gluetun setting's value the way gluetun v3.41.1 reads and validates it (the row's parse, values,
 * range, and the checks its settings file's validate() makes). Each problem names the rule it belongs to.
 * The JSON role and commands have their own modules (gluetun-role.ts, gluetun-command.ts).
 */
import { closest, distance } from 'fastest-levenshtein';
import {
  isUnspecified,
  parseAddr,
  parseDuration,
  parseFloat64,
  parseInt64,
  parsePrefix,
  parseUint,
  splitHostPort,
} from './go-parse.ts';
import { normalize, type Parse, type Setting } from './gluetun-settings.ts';

export interface ValueProblem {
  rule:
    | 'gluetun/boolean-value'
    | 'gluetun/enum-value'
    | 'gluetun/value-type'
    | 'gluetun/address-value'
    | 'gluetun/csv-spaces';
  message: string;
}

export const BOOL_VALUES = ['enabled', 'yes', 'on', 'true', 'disabled', 'no', 'off', 'false'] as const;
const TRUE_VALUES = ['enabled', 'yes', 'on', 'true'];

/** gosettings parseBool (internal/parse/parse.go): true, false, or undefined when gluetun would refuse it. */
export function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (TRUE_VALUES.includes(v)) return true;
  return (BOOL_VALUES as readonly string[]).includes(v) ? false : undefined;
}

const UINT_MAX: Partial<Record<Parse, number>> = { uint16: 65535, uint32: 4294967295, 'uint16-csv': 65535 };
const show = (v: string) => JSON.stringify(v);

/** Problems with `raw` as the value of `name`, read with `parse` (the row's, or an old name's own). */
export function checkValue(
  name: string,
  raw: string,
  s: Setting,
  parse: Parse = s.parse,
  values = s.values,
): ValueProblem[] {
  const out: ValueProblem[] = [];
  const add = (rule: ValueProblem['rule'], message: string) =>
    out.push({ rule, message: `${name}=${show(raw)}: ${message}` });
  if (raw === '' && !s.acceptEmpty) return out; // empty counts as unset: the default applies
  const value = normalize(raw, s.keepCase);
  const list = ['csv', 'uint16-csv', 'addr-csv', 'prefix-csv', 'wg-addresses'].includes(parse);
  const items = list ? value.split(',') : [value];
  const spaced = items.filter((i) => i !== i.trim());
  if (list && spaced.length) {
    const typed = parse !== 'csv';
    add(
      typed ? 'gluetun/value-type' : 'gluetun/csv-spaces',
      `gluetun splits lists on "," without trimming, so ${spaced.map(show).join(', ')} ${typed ? 'does not parse and gluetun refuses to start' : 'matches nothing'}; write ${show(items.map((i) => i.trim()).join(','))}.`,
    );
    if (parse !== 'wg-addresses') return out;
  }
  for (const item of items.map((i) => (parse === 'wg-addresses' ? i.trim() : i))) {
    if (parse === 'bool' && parseBool(item) === undefined)
      add(
        'gluetun/boolean-value',
        `not a boolean gluetun accepts; use on or off (also yes/no, true/false, enabled/disabled; never 1 or 0), or gluetun refuses to start.`,
      );
    if (values && !values.includes(item) && !(s.valuePrefixes ?? []).some((p) => item.startsWith(p))) {
      const near = values.filter((v) => distance(v, item) <= 2);
      add(
        'gluetun/enum-value',
        `${show(item)} is not one of ${values.join(', ')}${near.length ? `; did you mean ${closest(item, near)}?` : '.'}`,
      );
    }
    if (s.pattern && !new RegExp(s.pattern).test(item))
      add('gluetun/value-type', `${show(item)} does not match ${s.pattern}, so gluetun refuses it.`);
    const typeProblem = checkType(parse, item, s);
    if (typeProblem) add(typeProblem.rule, typeProblem.message);
  }
  return out;
}

function checkType(parse: Parse, item: string, s: Setting): ValueProblem | undefined {
  const type = (message: string): ValueProblem => ({ rule: 'gluetun/value-type', message });
  const addr = (message: string): ValueProblem => ({ rule: 'gluetun/address-value', message });
  const inRange = (n: number) => !s.range || (n >= s.range[0] && n <= s.range[1]) || (s.zeroAllowed && n === 0);
  const range = s.range ? `${s.range[0]}..${s.range[1]}` : '';
  switch (parse) {
    case 'uint16':
    case 'uint32':
    case 'uint16-csv': {
      const n = parseUint(item, UINT_MAX[parse]!);
      if (n === undefined)
        return type(`${show(item)} is not a whole number from 0 to ${UINT_MAX[parse]}; gluetun refuses to start.`);
      if (s.noZero && n === 0) return addr('port 0 is refused ("cannot have a zero port").');
      return inRange(n) ? undefined : type(`${n} is outside ${range}.`);
    }
    case 'int': {
      const n = parseInt64(item);
      if (n === undefined) return type(`${show(item)} is not a whole number; gluetun refuses to start.`);
      return inRange(n) ? undefined : type(`${n} is outside ${range}.`);
    }
    case 'float64': {
      const n = parseFloat64(item);
      return n === undefined || n < 0 || !inRange(n)
        ? type(`${show(item)} is not a number above 0 and at most ${s.range?.[1] ?? 'its maximum'}.`)
        : undefined;
    }
    case 'duration': {
      const ns = parseDuration(item);
      if (ns === undefined)
        return type(
          `${show(item)} is not a Go duration such as 30s, 5m or 24h (a bare number other than 0 needs a unit).`,
        );
      return inRange(ns)
        ? undefined
        : type(
            `${item} is out of range${s.zeroAllowed ? ' (0 turns it off; otherwise at least ' : ' ('}${s.range![0] / 1e9}s).`,
          );
    }
    case 'addr':
    case 'addr-csv':
      return parseAddr(item)
        ? undefined
        : type(`${show(item)} is not an IP address (netip.ParseAddr); gluetun refuses to start.`);
    case 'prefix-csv':
    case 'wg-addresses': {
      const p = parsePrefix(parse === 'wg-addresses' && !item.includes('/') ? `${item}/32` : item);
      if (!p)
        return type(
          `${show(item)} is not an IP prefix such as 10.152.183.0/24 or fd00::/64 (netip.ParsePrefix); gluetun refuses to start.`,
        );
      return s.specified && isUnspecified(p.addr)
        ? addr(
            `${item} starts at the unspecified address, which gluetun refuses ("outbound subnet has an unspecified address"); list the real subnets.`,
          )
        : undefined;
    }
    case 'listen': {
      const hp = splitHostPort(item);
      if (typeof hp === 'string')
        return addr(
          `${show(item)} is not a listening address (${hp}); expected [host]:port such as ":8888" or "127.0.0.1:9999".`,
        );
      return parseUint(hp.port, 65535) === undefined ? addr(`port ${show(hp.port)} is not 0 to 65535.`) : undefined;
    }
    default:
      return undefined;
  }
}
