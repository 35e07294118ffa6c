import { openSync, readSync, closeSync } from 'node:fs';

/** The first line `kgd dump` writes; with COMPLETE_MARK when every kind could be read. */
export const DUMP_HEADER = '# kgd dump of';
export const COMPLETE_MARK = '(complete: the whole cluster as kgd reads it)';

/** Whether a live cluster read is the whole cluster as kgd reads it: every namespace and every kind it reads. */
export function wholeClusterRead(read: { readonly namespaces?: readonly string[] | undefined; readonly problems: readonly unknown[] }): boolean {
  return !read.namespaces && read.problems.length === 0;
}

/** Whether every file is a `kgd dump` of a whole cluster (its first line says so): such input assumes nothing. */
export function completeDumps(files: readonly string[]): boolean {
  if (files.length === 0) return false;
  return files.every((f) => {
    if (f === '-' || f === '<stdin>') return false;
    let fd: number | undefined;
    try {
      fd = openSync(f, 'r');
      const buf = Buffer.alloc(512);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const first = buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
      return first.startsWith(DUMP_HEADER) && first.endsWith(COMPLETE_MARK);
    } catch {
      return false;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  });
}
