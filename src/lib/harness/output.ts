/**
 * Human output: every line passes the redactor; waits show a progress line on a TTY (rewritten in
 * place once a second) and a start and an end line otherwise, so logs carry no spinner noise.
 */
import type { Writable } from 'node:stream';
import type { Redactor } from '../core/secrets.ts';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Output {
  readonly stream: Writable;
  readonly isTTY: boolean;
  #redactor: Redactor;
  #now: () => number;
  constructor(stream: Writable, redactor: Redactor, isTTY: boolean, now: () => number) {
    this.stream = stream;
    this.#redactor = redactor;
    this.isTTY = isTTY;
    this.#now = now;
  }

  line(text = ''): void {
    this.stream.write(`${this.#redactor.redact(text)}\n`);
  }

  /** An indented block (a manifest, a diff), each line prefixed. */
  block(text: string, indent = '      '): void {
    for (const l of text.replace(/\n$/, '').split('\n')) this.line(`${indent}${l}`);
  }

  async wait<T>(label: string, fn: () => Promise<T>, indent = '      '): Promise<T> {
    const t0 = this.#now();
    const secs = () => Math.round((this.#now() - t0) / 1000);
    if (!this.isTTY) {
      this.line(`${indent}… ${label}`);
      try {
        return await fn();
      } finally {
        this.line(`${indent}  (${label}: ${secs()} s)`);
      }
    }
    let i = 0;
    const draw = () =>
      this.stream.write(`\r${indent}${FRAMES[i++ % FRAMES.length]} ${this.#redactor.redact(label)} ${secs()} s\x1b[K`);
    draw();
    const timer = setInterval(draw, 1000);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
      this.stream.write(`\r\x1b[K`);
      this.line(`${indent}  ${label}: ${secs()} s`);
    }
  }
}

export function ms(durationMs: number): string {
  return durationMs < 1000 ? `${Math.round(durationMs)} ms` : `${(durationMs / 1000).toFixed(1)} s`;
}
