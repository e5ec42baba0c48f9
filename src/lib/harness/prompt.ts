/**
 * Questions to the operator on a terminal. One readline interface per run, opened at the first question
 * and closed only when the run ends (runMain's last `finally`): a question asked after a failure, such as
 * "Roll these changes back now?", gets its answer like the first one did. End of input answers '' (no).
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export class Prompt {
  #input: Readable;
  #output: Writable;
  #rl?: Interface;
  #closed = false;
  #ended = false;
  #lines: string[] = [];
  #waiting: Array<(line: string) => void> = [];

  constructor(input: Readable, output: Writable) {
    this.#input = input;
    this.#output = output;
  }

  /** Writes the question and resolves with the next line typed ('' once input has ended or the prompt is closed). */
  ask(question: string): Promise<string> {
    this.#output.write(question);
    if (this.#closed || (this.#ended && !this.#lines.length)) return Promise.resolve('');
    if (!this.#rl) {
      this.#rl = createInterface({ input: this.#input, terminal: false });
      this.#rl.on('line', (l) => (this.#waiting.length ? this.#waiting.shift()!(l) : this.#lines.push(l)));
      this.#rl.on('close', () => {
        this.#ended = true;
        this.#waiting.splice(0).forEach((w) => w(''));
      });
    }
    return this.#lines.length
      ? Promise.resolve(this.#lines.shift()!)
      : new Promise<string>((r) => this.#waiting.push(r));
  }

  /** Ends the prompt: pending questions get '' and stdin is released so the process can exit. */
  close(): void {
    this.#closed = true;
    this.#rl?.close();
    this.#waiting.splice(0).forEach((w) => w(''));
  }
}
