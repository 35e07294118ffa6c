import { BEHAVIOURS, NEWEST, type Behaviour } from '../platform/versions.js';

const COMPONENT_NAMES: Readonly<Record<string, string>> = { netIstio: 'net-istio', kserve: 'KServe', serving: 'Knative Serving', operator: 'Knative operator', istio: 'Istio' };

/** The README table of versioned behaviours, written from src/platform/versions.ts (`npm run docs`). */
export function renderVersionsTable(): string {
  const rows = Object.entries(BEHAVIOURS).map(([id, b]: [string, Behaviour]) => {
    const range = b.since && b.until ? `${b.since} – <${b.until}` : b.since ? `≥ ${b.since}` : `< ${b.until}`;
    const backports = b.backportedTo ? ` (not from ${b.backportedTo.join(', ')})` : '';
    const requires = b.requires ? `, with ${COMPONENT_NAMES[b.requires.component]} ≥ ${b.requires.since}` : '';
    return `| \`${id}\` | ${COMPONENT_NAMES[b.component]} ${range}${backports}${requires} | ${b.what.replace(/\|/g, '\\|')} | ${b.change} | ${b.checkedBy ? b.checkedBy.join(', ') : '—'} |`;
  });
  const newest = Object.entries(NEWEST).map(([c, v]) => `${COMPONENT_NAMES[c]} ${v}`).join(', ');
  return [
    '| behaviour | applies at | what | upstream change | run against kgd at |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Without a version, kgd assumes the newest it models: ${newest}.`,
  ].join('\n');
}

export const VERSIONS_START = '<!-- versions-table:start (npm run docs) -->';
export const VERSIONS_END = '<!-- versions-table:end -->';

/** The README with its versions table replaced by the generated one. */
export function withVersionsTable(readme: string): string {
  const a = readme.indexOf(VERSIONS_START);
  const b = readme.indexOf(VERSIONS_END);
  if (a < 0 || b < a) throw new Error('README.md has no versions table markers');
  return `${readme.slice(0, a + VERSIONS_START.length)}\n${renderVersionsTable()}\n${readme.slice(b)}`;
}
