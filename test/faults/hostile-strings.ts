// Hostile strings for the fault tests: a hand-written list plus a seeded generator, so every run
// feeds the same strings (a failure names the string and can be replayed). Strings that would run a
// command if anything ever handed them to a shell, to tmux's command parser or to a tmux format
// touch a file of their own in the canary folder: the test asserts the folder stays empty.
//
// What is covered: quotes ' " `, $() ${} and backticks, ; | & && || > <, newlines and CR, tmux
// formats #{...} #() #[...] ##, tmux separators ; \; { }, control-mode directives (%if), every C0
// control, DEL, ESC sequences (CSI, OSC, bracketed-paste end), C1 characters, NUL, emoji, ZWJ
// sequences, combining marks, bidi overrides, very long strings (64 KB), leading dashes, spaces,
// '=', path separators, '%XX' (the pane-option encoding), YAML and git syntax, the empty string.
// File contents add invalid UTF-8 (lone continuation bytes, truncated and overlong sequences,
// UTF-16 surrogates, 0xFE/0xFF) and NUL bytes.

export interface Hostile {
  /** Stable id: h### for the hand-written list, g#### for generated strings. */
  id: string;
  s: string;
  /** True if the string would touch a canary file were it executed by sh, run-shell or a #() format. */
  injects: boolean;
}

export interface HostileBytes {
  id: string;
  bytes: Buffer;
  /** Where it came from, for messages. */
  note: string;
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same strings on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A readable, bounded label for a test title or failure message. */
export function label(s: string, max = 48): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s);
}

/** Repeats unit (whole code points) until the UTF-8 form is at least bytes long. */
export function padTo(unit: string, bytes: number): string {
  const n = Math.ceil(bytes / Buffer.byteLength(unit));
  return unit.repeat(n);
}

const C0 = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i));
const KB64 = 64 * 1024;

/**
 * The hand-written list. canary is an absolute folder whose path holds only [A-Za-z0-9/._-] (a
 * mkdtemp path), so the injection strings below are valid shell words and, where they have no
 * spaces, valid git branch names too.
 */
export function handWritten(canary: string): Hostile[] {
  let n = 0;
  const c = () => `${canary}/h${++n}`;
  const list: Array<[string, boolean]> = [
    // empty, whitespace
    ['', false], [' ', false], ['   ', false], ['  padded  ', false], ['\t', false], ['\n', false], ['\n\n', false], ['\r', false], ['\r\n', false],
    ['trailing newline\n', false], ['trailing space ', false], [' leading space', false], ['\u00a0nbsp', false], ['\u3000ideographic space', false],
    // quotes
    ["it's", false], ['say "hi"', false], ["'", false], ['"', false], ['`', false], ["''", false], ['""', false], ["'\\''", false],
    [`mixed 'single' and "double" and \`back\``, false], ["\\'", false], ['\\"', false],
    // shell syntax that runs something
    [`$(touch ${c()})`, true], [`"$(touch ${c()})"`, true], [`'$(touch ${c()})'`, true], [`\`touch ${c()}\``, true],
    [`;touch ${c()};`, true], [`; touch ${c()}`, true], [`| touch ${c()}`, true], [`|touch ${c()}`, true], [`& touch ${c()}`, true],
    [`&& touch ${c()}`, true], [`&& false || touch ${c()}`, true], [`x > ${c()}`, true], [`>${c()}`, true], [`>>${c()}`, true], [`x\ntouch ${c()}\n`, true],
    [`x\rtouch ${c()}\r`, false], [`'; touch ${c()}; '`, true], [`"; touch ${c()}; "`, true], [`$(touch\${IFS}${c()})`, true],
    [`\`touch\${IFS}${c()}\``, true], [`;touch\${IFS}${c()};`, true], [`a|touch\${IFS}${c()}`, true], [`$(touch\t${c()})`, true],
    [`\\$(touch ${c()})`, false], [`$$$(touch ${c()})`, true], [`<(touch ${c()})`, true], [`>(touch ${c()})`, true],
    [`\${x:-$(touch ${c()})}`, true], [`$((\`touch ${c()}\`))`, true], [`x;touch ${c()} #`, true],
    // shell syntax that runs nothing
    ['$HOME', false], ['${HOME}', false], ['$1', false], ['$@', false], ['$*', false], ['$?', false], ['$$', false], ['$!', false], ['$', false],
    ["$'\\x41'", false], ['$"x"', false], ['$((1+1))', false], ['${IFS}', false], ['~', false], ['~root/x', false], ['*', false], ['?', false],
    ['[a-z]*', false], ['!!', false], ['!$', false], ['&', false], [';', false], [';;', false], ['|', false], ['||', false], ['&&', false],
    ['<', false], ['>', false], ['2>&1', false], ['<<EOF', false], ['(', false], [')', false], ['{', false], ['}', false], ['{a,b}', false], ['\\', false],
    // tmux formats
    ['#', false], ['##', false], ['###', false], ['x#', false], ['#{pane_id}', false], ['#{session_name}', false], ['#{?pane_active,yes,no}', false],
    ['#{E:@tmuxcodex-status}', false], ['#{s/a/b/:pane_id}', false], ['#{T:pane_id}', false], ['#{l:#{pane_id}}', false], ['#{=3:pane_title}', false],
    ['#[fg=red]', false], ['##[fg=red]', false], ['#[reverse]#[blink]', false], ['a#[b]#{pane_id}##[c', false], ['#D #F #H #I #P #S #T #W', false],
    [`#(touch ${c()})`, true], [`##(touch ${c()})`, false], [`#{#(touch ${c()})}`, false], [`#{?session_id,#(touch ${c()}),}`, true],
    [`x#[fg=red]#(touch ${c()})`, true], [`#(touch\${IFS}${c()})`, true],
    // tmux command language
    [`'; run-shell "touch ${c()}"; set -g @y '`, true], [`" ; run-shell 'touch ${c()}' ; set -g @y "`, true], [`; run-shell 'touch ${c()}'`, false],
    [`\\; run-shell 'touch ${c()}'`, false], [`a ; run-shell "touch ${c()}"`, true], [`run-shell 'touch ${c()}'`, true],
    [`x }; run-shell 'touch ${c()}'; if-shell -F 1 { set -g @y x`, true], [`{ run-shell 'touch ${c()}' }`, false], [`%if 1\nrun-shell 'touch ${c()}'\n%endif`, true],
    [`x\nrun-shell 'touch ${c()}'`, true], [`x\rrun-shell 'touch ${c()}'`, false],
    [`if-shell true "run-shell 'touch ${c()}'"`, true], [`source-file /dev/null ; run-shell 'touch ${c()}'`, true],
    ['a; kill-server', false], ['; new-window', false], ['\\;', false], ['\\\\;', false], ['ends with;', false], ['ends with\\;', false],
    ['%', false], ['%if 1', false], ['%endif', false], ['%begin 1 2 3', false], ['a\n%end 1 2 1\nb', false], ['a\n%exit\nb', false], ['%output %0 x', false],
    // control characters and escape sequences
    ['esc\x1b[31mred\x1b[0m', false], ['\x1b', false], ['\x1b]2;PWNED-TITLE\x07', false], ['\x1b]52;c;cHduZWQ=\x07', false], ['\x1b[201~', false],
    ['\x1b[200~pasted\x1b[201~', false], ['\x1bP+q544e\x1b\\', false], ['\x1b[6n', false], ['\x1bc', false], ['\x1b[?1049h', false],
    ['\x07bell', false], ['\x08backspace', false], ['\x03ctrl-c', false], ['\x04ctrl-d', false], ['\x1acrtl-z', false], ['del\x7f', false],
    ['\x0bvt\x0cff', false], [C0.filter((ch) => ch !== '\0').join(''), false], ['\u009b31m C1 CSI', false], ['\u0085NEL', false], ['\u009d0;x\u009c', false],
    // NUL
    ['\0', false], ['a\0b', false], [`\0$(touch ${c()})`, true],
    // unicode
    ['🤖', false], ['👩‍💻 🏳️‍🌈 👨‍👩‍👧‍👦', false], ['🇺🇳', false], ['e\u0301 a\u0308 n\u0303\u0323', false], ['Z' + '\u0336\u0337\u0338'.repeat(30), false],
    ['\u0301leading combining', false], ['日本語 中文 한국어', false], ['עברית العربية', false], ['\u202eevil\u202c', false], ['\u2066isolate\u2069', false],
    ['\u200b\u200c\u200d\ufeff', false], ['\ufeffbom', false], ['a\u2028b\u2029c', false], ['\ufffd', false], ['\uffff\ufffe', false], ['𝕏𝔸𝕄𝕃', false],
    ['\u241e record separator', false], ['Ω≈ç√∫', false], ['ﷺ', false], ['ᚠᛇᚻ', false], ['__proto__', false], ['constructor', false], ['toString', false], ['hasOwnProperty', false], ['prototype', false],
    // option-looking
    ['-', false], ['--', false], ['-x', false], ['-n', false], ['-e', false], ['--name', false], ['--task=x', false], ['--json', false], ['-h', false],
    ['--help', false], ['-L', false], ['--socket-name=evil', false], ['-t foo', false], ['-F #{pane_id}', false], ['--cmd=touch x', false], ['-1', false],
    // '=' and paths
    ['=', false], ['==', false], ['a=b', false], ['K=V=W', false], ['=x', false], ['PATH=/evil', false], ['/', false], ['//', false], ['/etc/passwd', false],
    ['../../etc/passwd', false], ['./x', false], ['..', false], ['.', false], ['a/b', false], ['a//b', false], ['a/', false], ['C:\\path\\', false],
    ['trailing backslash\\', false], ['\\n', false], ['\\x41\\101\\u0041', false],
    // percent (the pane-option encoding is %XX)
    ['%41', false], ['%25', false], ['%0A', false], ['%%', false], ['%s%n%x', false], ['100%', false], ['%E2%98', false], ['%zz', false], ['%', false],
    // yaml / json
    [': ', false], ['- x', false], ['#comment', false], ['&anchor', false], ['*alias', false], ['!!str', false], ['---', false], ['...', false],
    ['|', false], ['>-', false], ['{a: b}', false], ['[a, b]', false], ['? x', false], ['%YAML 1.2', false], ['@x', false], ['yes', false], ['no', false],
    ['null', false], ['~', false], ['0x1F', false], ['1e3', false], ['.inf', false], ['{"a":1}', false], ['\\u0000', false], ['</script>', false],
    // git syntax
    ['HEAD', false], ['@', false], ['@{-1}', false], ['@{u}', false], ['main~1', false], ['main^', false], ['a..b', false], ['a.lock', false], ['a.', false],
    ['.a', false], ['refs/heads/x', false], ['heads/main', false], ['a:b', false], ['a@{b', false], ['a\\b', false], ['a b', false], ['x'.repeat(300), false],
    ['feature/foo-"bar"\'baz\';rm -rf ~', false], ['feat/$(id)', false], ['#{pane_id}/x', false], ['a/.b', false], ['-b', false], ['+x', false],
    // names: near the rules (1-48 of [A-Za-z0-9._-], first a letter or digit)
    ['a', false], ['a1', false], ['A.b_c-d', false], ['0', false], ['a'.repeat(48), false], ['a'.repeat(49), false], ['deadbeef', false], ['DEADBEEF', false],
    ['deadbee', false], ['_a', false], ['.a', false], ['a-', false], ['a.lock', false], ['a..b', false], ['ab.', false], ['héllo', false], ['a b', false],
    // size
    [padTo('x', KB64), false], [padTo(`it's "q" a;b \\; #{pane_id} $HOME 日本 🤖\t\n`, KB64), false], [padTo('🤖', KB64), false],
    [padTo('e\u0301', KB64), false], ['x'.repeat(KB64 - 1) + ';', false], [padTo('a', 4095), false], [padTo('a', 4096), false], [padTo('#', 3000), false],
    [padTo('line\n', KB64), false], [padTo(`$(touch ${canary}/h-big) `, KB64), true],
  ];
  // Duplicates are dropped (first one wins); ids are positions in this list.
  const seen = new Set<string>();
  const out: Hostile[] = [];
  list.forEach(([s, injects], i) => {
    if (seen.has(s)) return;
    seen.add(s);
    out.push({ id: `h${String(i).padStart(3, '0')}`, s, injects });
  });
  return out;
}

/** Pieces the generator joins; `inject` pieces take a unique canary path. */
type Atom = string | ((canaryFile: string) => string);

const PLAIN_ATOMS: string[] = [
  "'", '"', '`', "'\\''", '\\', '\\\\', '$', '$HOME', '${HOME}', '${', '}', '$(', ')', '(', ';', ';;', '\\;', '|', '||', '&', '&&', '>', '>>', '<', '<<',
  '2>&1', '*', '?', '[a]', '~', '!', '#', '##', '#{pane_id}', '#{?1,a,b}', '#[fg=red]', '##[', '#{', '%', '%41', '%0A', '%%', '%if 1', '%end',
  '{', '{ ', ' }', '=', '==', 'K=V', '/', '//', '../', './', '..', '.', '-', '--', '-e', '--name=', '-n', ' ', '  ', '\t', '\n', '\r', '\r\n',
  '\x1b', '\x1b[31m', '\x1b[0m', '\x1b]2;PWNED\x07', '\x1b[201~', '\x1b[200~', '\x7f', '\x01', '\x03', '\x07', '\x08', '\x0b', '\x0c', '\x1f',
  '\u0085', '\u009b', '🤖', '👩‍💻', '🏳️‍🌈', 'e\u0301', '\u0308\u0308\u0308', '日本', 'עב', '\u202e', '\u200b', '\ufeff', '\u2028', '\u2029',
  '\u00a0', '𝕏', '\ufffd', '\u241e', 'ü', 'a', 'Z', '0', '9', 'x', 'name', 'HEAD', '@{-1}', '@', '.lock', '^', ':', 'a b', 'null', '- ', ': ',
  '&x', '*x', '!!str', '---', '\\u0000', '\\x41', '\\101', 'kill-server', 'new-window', 'run-shell', '%begin', '%exit',
];

const INJECT_ATOMS: Array<(f: string) => string> = [
  (f) => `$(touch ${f})`, (f) => `\`touch ${f}\``, (f) => `;touch ${f};`, (f) => `|touch ${f}`, (f) => `&&touch ${f}`, (f) => `||touch ${f}`,
  (f) => ` >${f} `, (f) => `\ntouch ${f}\n`, (f) => `'; touch ${f}; '`, (f) => `"; touch ${f}; "`, (f) => `#(touch ${f})`,
  (f) => `'; run-shell "touch ${f}"; set -g @y '`, (f) => `; run-shell 'touch ${f}'`, (f) => `\\; run-shell 'touch ${f}'`, (f) => `\nrun-shell 'touch ${f}'\n`,
  (f) => `x }; run-shell 'touch ${f}'; if-shell -F 1 { set -g @y x`, (f) => `%if 1\nrun-shell 'touch ${f}'\n%endif`, (f) => `#{?session_id,#(touch ${f}),}`,
];

/** Injections without spaces or characters git forbids in a ref, so they can be branch names. */
const REF_INJECT_ATOMS: Array<(f: string) => string> = [
  (f) => `$(touch\${IFS}${f})`, (f) => `\`touch\${IFS}${f}\``, (f) => `;touch\${IFS}${f};`, (f) => `|touch\${IFS}${f}`, (f) => `&&touch\${IFS}${f}`,
  (f) => `#(touch\${IFS}${f})`, (f) => `;{touch,${f}};`, (f) => `>${f}`,
];
/** Characters git allows in a branch name that mean something to sh or tmux. */
const REF_CHARS = [...'$(){}#;`|&<>\'"!%=+,@-_/.', 'a', 'b', 'Z', '0', '🤖', 'é', '日'];
const NAME_CHARS = [...'abcdefABCDEF0123456789._-xyzXYZ'];

/**
 * count generated strings from seed. Mixed kinds: random joins of atoms (a third with an injection),
 * strings from the characters git allows in branch names (some with an injection), strings from
 * the characters names allow (near the name rules), the odd 64 KB string and the odd NUL.
 */
export function generated(canary: string, count: number, seed: number): Hostile[] {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const out: Hostile[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < count; i++) {
    const id = `g${String(out.length).padStart(4, '0')}`;
    let inj = 0;
    const file = () => `${canary}/${id}-${++inj}`;
    const kind = r();
    let s: string;
    if (kind < 0.12) {
      // Name-like: 1-60 characters a name may hold, so some are valid names and some just miss.
      s = Array.from({ length: 1 + int(60) }, () => pick(NAME_CHARS)).join('');
      if (r() < 0.2) s = pick(['', '.', '-', '_']) + s + pick(['', '.', '.lock', '..x', '-']);
      if (r() < 0.05) s = Array.from({ length: 8 }, () => pick([...'0123456789abcdef'])).join('');
    } else if (kind < 0.3) {
      // Branch-like: what git allows, much of it meaningful to sh and tmux.
      const parts: string[] = [];
      for (let k = 1 + int(5); k > 0; k--) parts.push(r() < 0.3 ? pick(REF_INJECT_ATOMS)(file()) : Array.from({ length: 1 + int(8) }, () => pick(REF_CHARS)).join(''));
      s = parts.join(r() < 0.3 ? '/' : '');
    } else {
      const parts: string[] = [];
      for (let k = 1 + int(6); k > 0; k--) {
        const a: Atom = r() < 0.2 ? pick(INJECT_ATOMS) : pick(PLAIN_ATOMS);
        parts.push(typeof a === 'string' ? a : a(file()));
      }
      s = parts.join(r() < 0.5 ? '' : pick([' ', '', '/', '=', '-', '\n']));
      const pre = r();
      if (pre < 0.1) s = '-' + s;
      else if (pre < 0.15) s = '--' + s;
      else if (pre < 0.2) s = ' ' + s;
      if (r() < 0.03) s += '\0' + pick(PLAIN_ATOMS);
    }
    if (r() < 0.012) s = padTo(s || 'x', KB64);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push({ id, s, injects: inj > 0 });
  }
  return out;
}

/** The hand-written list then count generated strings; no string twice. */
export function hostileStrings(canary: string, count: number, seed: number): Hostile[] {
  const hand = handWritten(canary);
  const seen = new Set(hand.map((h) => h.s));
  return [...hand, ...generated(canary, count, seed).filter((g) => !seen.has(g.s))];
}

/** n items spread evenly over xs (all of them when n >= xs.length), in order: deterministic. */
export function spread<T>(xs: readonly T[], n: number): T[] {
  if (n >= xs.length) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
}

/** Byte sequences that are not UTF-8. */
const INVALID_UTF8: Buffer[] = [
  Buffer.from([0xff]), Buffer.from([0xfe]), Buffer.from([0x80]), Buffer.from([0xbf]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]),
  Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from([0xc0, 0x80]), Buffer.from([0xc1, 0xbf]), Buffer.from([0xe0, 0x80, 0x80]), Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xed, 0xbf, 0xbf]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xfc, 0x84, 0x80, 0x80, 0x80, 0x80]),
];

/**
 * File contents: each string's UTF-8 as it is, and every third also with invalid UTF-8 spliced in
 * (and the odd NUL), at seeded positions.
 */
export function hostileFiles(strings: readonly Hostile[], seed: number): HostileBytes[] {
  const r = prng(seed);
  const out: HostileBytes[] = [];
  strings.forEach((h, i) => {
    const utf8 = Buffer.from(h.s, 'utf8');
    out.push({ id: h.id, bytes: utf8, note: `${h.id} ${label(h.s)}` });
    if (i % 3 !== 0) return;
    const bad = INVALID_UTF8[Math.floor(r() * INVALID_UTF8.length)]!;
    // Split only between characters, so the rest stays what it was.
    const cut = Buffer.byteLength([...h.s].slice(0, Math.floor(r() * ([...h.s].length + 1))).join(''));
    const extra = r() < 0.1 ? Buffer.from([0]) : Buffer.alloc(0);
    out.push({ id: `${h.id}-x`, bytes: Buffer.concat([utf8.subarray(0, cut), bad, extra, utf8.subarray(cut)]), note: `${h.id} ${label(h.s)} with ${bad.toString('hex')}${extra.length ? ' and NUL' : ''} at byte ${cut}` });
  });
  return out;
}

/** The string a strict UTF-8 reader gets from bytes, or null if they are not UTF-8. */
export function strictUtf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}
