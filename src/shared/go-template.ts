/**
 * Whether Go's text/template would parse a template (`template.New(..).Parse(text)`), as KServe checks its
 * `pathTemplate`. This follows text/template/parse's lexer and parser for what they refuse: unclosed actions,
 * quotes and parentheses, undefined functions and variables, keywords out of place, empty commands and
 * pipelines, `{{end}}`/`{{else}}` without an opening block, blocks left open. Execution errors (a field the
 * data lacks) are not parse errors. Checked against KServe's own parser by test/upstream.test.ts.
 */

const BUILTINS = new Set(['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne']);
const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'nil', 'template', 'with']);

type Tok =
  | { t: 'space' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'dot' | 'end-action' }
  | { t: 'string' | 'number' | 'char' | 'bool' | 'nil' | 'field' | 'variable' | 'ident' | 'keyword'; v: string };

class TemplateError extends Error {}

/** Lexes one action's inside (between the delimiters). */
function lexAction(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let depth = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      while (i < src.length && ' \t\r\n'.includes(src[i]!)) i++;
      out.push({ t: 'space' });
      continue;
    }
    if (c === '|') { out.push({ t: 'pipe' }); i++; continue; }
    if (c === '(') { out.push({ t: 'lparen' }); depth++; i++; continue; }
    if (c === ')') {
      if (--depth < 0) throw new TemplateError(`unexpected right paren`);
      out.push({ t: 'rparen' }); i++; continue;
    }
    if (c === ',') { out.push({ t: 'comma' }); i++; continue; }
    if (c === ':') {
      if (src[i + 1] !== '=') throw new TemplateError('expected :=');
      out.push({ t: 'declare' }); i += 2; continue;
    }
    if (c === '=') { out.push({ t: 'assign' }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= src.length || src[j] === '\n') throw new TemplateError('unterminated quoted string');
        if (src[j] === '\\') { j += 2; continue; }
        if (src[j] === '"') break;
        j++;
      }
      out.push({ t: 'string', v: src.slice(i, j + 1) }); i = j + 1; continue;
    }
    if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('unterminated raw quoted string');
      out.push({ t: 'string', v: src.slice(i, j + 1) }); i = j + 1; continue;
    }
    if (c === "'") {
      let j = i + 1;
      for (;;) {
        if (j >= src.length || src[j] === '\n') throw new TemplateError('unterminated character constant');
        if (src[j] === '\\') { j += 2; continue; }
        if (src[j] === "'") break;
        j++;
      }
      out.push({ t: 'char', v: src.slice(i, j + 1) }); i = j + 1; continue;
    }
    if (c === '$') {
      const m = /^\$[\p{L}_0-9]*/u.exec(src.slice(i))!;
      out.push({ t: 'variable', v: m[0] }); i += m[0].length;
      i = fields(src, i, out);
      continue;
    }
    if (c === '.') {
      if (/[0-9]/.test(src[i + 1] ?? '')) {
        const m = /^[.0-9eE+\-_xXa-fA-Fi]+/.exec(src.slice(i))!;
        out.push({ t: 'number', v: m[0] }); i += m[0].length; continue;
      }
      if (!/[\p{L}_]/u.test(src[i + 1] ?? '')) { out.push({ t: 'dot' }); i++; continue; }
      i = fields(src, i, out);
      continue;
    }
    if (c === '+' || c === '-' || /[0-9]/.test(c)) {
      const m = /^[+-]?[0-9][0-9a-zA-Z_.+-]*/.exec(src.slice(i));
      if (!m) throw new TemplateError(`bad character ${JSON.stringify(c)}`);
      const n = m[0].replace(/[eEpP][+-]/g, 'e');
      if (/[+-]/.test(n.slice(1))) throw new TemplateError(`bad number syntax: "${m[0]}"`);
      if (!/^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]*|[0-9][0-9_]*(\.[0-9_]*)?(e[0-9]+)?|[0-9]*\.[0-9]+(e[0-9]+)?)i?$/.test(n)) throw new TemplateError(`bad number syntax: "${m[0]}"`);
      out.push({ t: 'number', v: m[0] }); i += m[0].length; continue;
    }
    if (/[\p{L}_]/u.test(c)) {
      const m = /^[\p{L}_0-9]+/u.exec(src.slice(i))!;
      const w = m[0];
      i += w.length;
      if (w === 'true' || w === 'false') out.push({ t: 'bool', v: w });
      else if (w === 'nil') out.push({ t: 'nil', v: w });
      else if (KEYWORDS.has(w)) out.push({ t: 'keyword', v: w });
      else out.push({ t: 'ident', v: w });
      i = fields(src, i, out);
      continue;
    }
    throw new TemplateError(`bad character ${JSON.stringify(c)}`);
  }
  if (depth > 0) throw new TemplateError('unclosed left paren');
  return out;
}

/** `.a.b` chains after an operand. */
function fields(src: string, i: number, out: Tok[]): number {
  while (src[i] === '.' && /[\p{L}_]/u.test(src[i + 1] ?? '')) {
    const m = /^\.[\p{L}_0-9]+/u.exec(src.slice(i))!;
    out.push({ t: 'field', v: m[0] });
    i += m[0].length;
  }
  return i;
}

interface Scope {
  vars: Set<string>;
}

/** Parses one pipeline (tokens without spaces at the ends); throws on what text/template refuses. */
function pipeline(toks: Tok[], scope: Scope, ctx: string, allowEmpty = false): void {
  let k = 0;
  const skip = () => { while (toks[k]?.t === 'space') k++; };
  skip();
  // Declarations: $x := or $x, $y := (range) or $x = .
  const decl: string[] = [];
  let look = k;
  for (;;) {
    const v = toks[look];
    if (v?.t !== 'variable') break;
    let j = look + 1;
    while (toks[j]?.t === 'space') j++;
    const n = toks[j];
    if (n?.t === 'declare' || n?.t === 'assign') {
      decl.push(v.v);
      if (n.t === 'assign' && !scope.vars.has(v.v)) throw new TemplateError(`undefined variable "${v.v}"`);
      k = j + 1;
      break;
    }
    if (n?.t === 'comma' && ctx === 'range' && decl.length === 0) {
      decl.push(v.v);
      look = j + 1;
      while (toks[look]?.t === 'space') look++;
      continue;
    }
    break;
  }
  skip();
  if (k >= toks.length) {
    if (allowEmpty) return;
    throw new TemplateError(`missing value for ${ctx}`);
  }
  let cmdOperands = 0;
  const operand = (): void => {
    const tk = toks[k]!;
    if (tk.t === 'lparen') {
      k++;
      const start = k;
      let depth = 1;
      while (depth > 0) {
        const x = toks[k++]!;
        if (x.t === 'lparen') depth++;
        if (x.t === 'rparen') depth--;
      }
      pipeline(toks.slice(start, k - 1), scope, 'parenthesized pipeline');
    } else if (tk.t === 'ident') {
      if (!BUILTINS.has(tk.v)) throw new TemplateError(`function "${tk.v}" not defined`);
      k++;
    } else if (tk.t === 'variable') {
      if (!scope.vars.has(tk.v)) throw new TemplateError(`undefined variable "${tk.v}"`);
      k++;
    } else if (tk.t === 'nil') {
      if (cmdOperands === 0 && nextIsEnd()) throw new TemplateError('nil is not a command');
      k++;
    } else if (tk.t === 'keyword') {
      throw new TemplateError(`unexpected <${tk.v}> in ${ctx === 'command' ? 'command' : 'operand'}`);
    } else if (tk.t === 'string' || tk.t === 'number' || tk.t === 'char' || tk.t === 'bool' || tk.t === 'dot' || tk.t === 'field') {
      k++;
    } else {
      throw new TemplateError(`unexpected ${tk.t} in operand`);
    }
    while (toks[k]?.t === 'field') k++;
    cmdOperands++;
  };
  const nextIsEnd = () => {
    let j = k + 1;
    while (toks[j]?.t === 'space') j++;
    return j >= toks.length || toks[j]!.t === 'pipe';
  };
  for (;;) {
    skip();
    cmdOperands = 0;
    while (k < toks.length && toks[k]!.t !== 'pipe') {
      if (toks[k]!.t === 'space') { k++; continue; }
      if (toks[k]!.t === 'comma' || toks[k]!.t === 'declare' || toks[k]!.t === 'assign' || toks[k]!.t === 'rparen') throw new TemplateError(`unexpected token in operand`);
      operand();
      if (k < toks.length && toks[k]!.t !== 'space' && toks[k]!.t !== 'pipe' && toks[k]!.t !== 'rparen') throw new TemplateError('missing space?');
    }
    if (cmdOperands === 0) throw new TemplateError('missing value for command');
    if (k >= toks.length) break;
    k++; // pipe
  }
  for (const d of decl) scope.vars.add(d);
}

/** Returns text/template's parse error (without its "template: name:line:" prefix), or undefined. */
export function goTemplateParseError(text: string): string | undefined {
  try {
    parseTemplate(text);
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
}

function parseTemplate(text: string): void {
  const stack: { kw: string; scope: Scope; sawElse: boolean }[] = [];
  let scope: Scope = { vars: new Set(['$']) };
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    let start = open + 2;
    if (text.startsWith('- ', start) || text.startsWith('-\t', start) || text.startsWith('-\n', start) || text.startsWith('-\r', start)) start += 1;
    const rest = text.slice(start).replace(/^[ \t\r\n]*/, '');
    if (rest.startsWith('/*')) {
      const endComment = text.indexOf('*/', start);
      if (endComment < 0) throw new TemplateError('unclosed comment');
      let after = endComment + 2;
      while (' \t\r\n'.includes(text[after] ?? 'x')) after++;
      if (text.startsWith('-}}', after)) after += 1;
      if (!text.startsWith('}}', after)) throw new TemplateError('comment ends before closing delimiter');
      i = after + 2;
      continue;
    }
    const close = findClose(text, start);
    if (close < 0) throw new TemplateError('unclosed action');
    let inner = text.slice(start, close.valueOf());
    if (/[ \t\r\n]-$/.test(inner)) inner = inner.slice(0, -1);
    i = close + 2;
    const toks = lexAction(inner);
    const body = toks.filter((t, idx) => !(t.t === 'space' && (idx === 0 || idx === toks.length - 1)));
    const first = body[0];
    if (!first) throw new TemplateError('missing value for command');
    if (first.t === 'keyword') {
      const kw = first.v;
      const tail = body.slice(1);
      const pushScope = () => ({ vars: new Set(scope.vars) });
      switch (kw) {
        case 'if': case 'with': case 'range': {
          const inner2 = pushScope();
          pipeline(tail, inner2, kw);
          stack.push({ kw, scope, sawElse: false });
          scope = inner2;
          break;
        }
        case 'else': {
          const top = stack[stack.length - 1];
          if (!top || top.kw === 'define' || top.kw === 'block') throw new TemplateError('unexpected {{else}}');
          if (top.sawElse && !(tail.find((t) => t.t !== 'space'))) throw new TemplateError('expected end; found {{else}}');
          scope = { vars: new Set(top.scope.vars) };
          const rest2 = tail.filter((t) => t.t !== 'space');
          if (rest2.length > 0) {
            const k0 = rest2[0]!;
            if (k0.t !== 'keyword' || (k0.v !== 'if' && k0.v !== 'with')) throw new TemplateError('unexpected token in else');
            pipeline(tail.slice(tail.indexOf(k0) + 1), scope, k0.v);
          } else top.sawElse = true;
          break;
        }
        case 'end': {
          if (tail.some((t) => t.t !== 'space')) throw new TemplateError('unexpected token in end');
          const top = stack.pop();
          if (!top) throw new TemplateError('unexpected {{end}}');
          scope = top.scope;
          break;
        }
        case 'define': case 'block': {
          const args = tail.filter((t) => t.t !== 'space');
          if (args[0]?.t !== 'string') throw new TemplateError(`unexpected token in ${kw} clause`);
          if (kw === 'define' && stack.length > 0) throw new TemplateError('unexpected <define> in command');
          if (kw === 'block') pipeline(tail.slice(tail.indexOf(args[0]!) + 1), scope, 'block clause', true);
          else if (args.length > 1) throw new TemplateError('unexpected token in define clause');
          stack.push({ kw, scope, sawElse: false });
          scope = kw === 'define' ? { vars: new Set(['$']) } : { vars: new Set(scope.vars) };
          break;
        }
        case 'template': {
          const args = tail.filter((t) => t.t !== 'space');
          if (args[0]?.t !== 'string') throw new TemplateError('unexpected token in template clause');
          if (args.length > 1) pipeline(tail.slice(tail.indexOf(args[0]!) + 1), scope, 'template clause');
          break;
        }
        case 'break': case 'continue': {
          if (!stack.some((s) => s.kw === 'range')) throw new TemplateError(`{{${kw}}} outside {{range}}`);
          if (tail.some((t) => t.t !== 'space')) throw new TemplateError(`unexpected token in {{${kw}}}`);
          break;
        }
        default:
          throw new TemplateError(`unexpected <${kw}> in command`);
      }
      continue;
    }
    pipeline(body, scope, 'command');
  }
  if (stack.length > 0) throw new TemplateError('unexpected EOF');
}

/** The `}}` that closes an action starting at `start`, skipping quoted text; -1 when none. */
function findClose(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) return -1;
      i = j + 1;
      continue;
    }
    if (text.startsWith('}}', i)) return i;
    i++;
  }
  return -1;
}

/**
 * Evaluates a template made only of text and actions that `field` can answer (e.g. `{{ .Name }}`); undefined
 * when any action is something else, which kgd then does not guess at.
 */
export function evaluateSimpleTemplate(template: string, field: (action: string) => string | undefined): string | undefined {
  let ok = true;
  const out = template.replace(/\{\{-?\s*([^}]*?)\s*-?\}\}/g, (_m, action: string) => {
    const v = field(action);
    if (v === undefined) ok = false;
    return v ?? '';
  });
  return ok ? out : undefined;
}
