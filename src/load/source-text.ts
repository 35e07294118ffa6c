import { readFileSync } from 'node:fs';

/**
 * The text of one input, with a line index built only when a position is asked for. For files the text
 * is not kept after parsing: it is read again the first time a finding needs a line (findings are few,
 * inputs can be hundreds of megabytes).
 */
export class SourceText {
  private text: string | undefined;
  private lineStarts: number[] | undefined;

  constructor(
    readonly file: string,
    text: string,
    /** Keep the text (stdin, tests) or drop it and re-read the file on demand. */
    private readonly keep: boolean,
  ) {
    this.text = keep ? text : undefined;
  }

  getText(): string {
    if (this.text === undefined) {
      const raw = readFileSync(this.file, 'utf8');
      this.text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    }
    return this.text;
  }

  /** 1-based line and column of an offset. */
  position(offset: number, text?: string): { line: number; column: number } {
    if (!this.lineStarts) {
      const t = text ?? this.getText();
      const starts = [0];
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  /** Drops what was built for positions, once loading is over. */
  release(): void {
    if (!this.keep) this.text = undefined;
  }
}
