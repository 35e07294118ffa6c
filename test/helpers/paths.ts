import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The project root, from dist/test/helpers/ (compiled) — tests read fixtures and goldens from the sources. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const fromRoot = (...p: string[]) => join(ROOT, ...p);
/** shared/ beside the project: the real upstream manifests. */
export const SHARED = join(ROOT, '..', 'shared');
