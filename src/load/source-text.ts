import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Where the text of an input can be read again. Findings need positions for only a few documents, so a
 * file's text is not kept after loading: the document a finding points into is read back on demand.
 * Offsets are in the source's own units (bytes for files, characters for text held in memory).
 */
export interface SourceText {
  readonly file: string;
  /** The text between two offsets (one document). */
  slice(start: number, end: number): string;
  /** Size of `text` in this source's offset units. */
  units(text: string): number;
}

/** Text held in memory (stdin, tests). */
export class MemorySource implements SourceText {
  constructor(
    readonly file: string,
    private readonly text: string,
  ) {}

  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  units(text: string): number {
    return text.length;
  }
}

/** A file on disk, read back by byte range. */
export class FileSource implements SourceText {
  constructor(readonly file: string) {}

  slice(start: number, end: number): string {
    const buf = Buffer.alloc(end - start);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return buf.toString('utf8');
  }

  units(text: string): number {
    return Buffer.byteLength(text, 'utf8');
  }
}

/** 1-based line and column of `offset` in `text`, whose first character is at (line, column). */
export function positionIn(text: string, offset: number, line: number, column: number): { line: number; column: number } {
  let l = line;
  let lastNl = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    l++;
    lastNl = i;
  }
  return lastNl < 0 ? { line: l, column: column + offset } : { line: l, column: offset - lastNl };
}

const NEWLINE = /\n/g;

/**
 * Lines of one chunk of text, counted up to each position asked for. Positions are asked for in order (each
 * document's start), so lines are counted once, forward from the last one; an earlier position counts again from the
 * start. No table of line starts is kept (measured: for 2.7 million lines, building one cost 3× the counting).
 */
export class LineIndex {
  /** The last position asked for, and the line count and line start there. */
  private at = 0;
  private lines = 0;
  private lineStart = 0;

  constructor(
    private readonly text: string,
    /** Line of the chunk's first character (1-based); chunks start at a line start. */
    private readonly firstLine: number,
  ) {}

  position(offset: number): { line: number; column: number } {
    if (offset < this.at) {
      this.at = 0;
      this.lines = 0;
      this.lineStart = 0;
    }
    NEWLINE.lastIndex = this.at;
    // Each newline before `offset` starts a line (lastIndex is just past the newline found).
    while (NEWLINE.test(this.text) && NEWLINE.lastIndex <= offset) {
      this.lines++;
      this.lineStart = NEWLINE.lastIndex;
    }
    this.at = offset;
    return { line: this.firstLine + this.lines, column: offset - this.lineStart + 1 };
  }
}
