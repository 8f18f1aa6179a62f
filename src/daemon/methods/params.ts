// A request's params checked at the socket, before a handler reads them: the fields each handler
// relies on, with their JSON types. A client of another version (or a hand-written request) gets a
// usage error naming the field, instead of a TypeError from deep inside a handler.
import { usageError } from '../../errors.js';

/** A JSON type; with '?' the field may also be missing or null. */
export type FieldKind = 'string' | 'boolean' | 'number' | 'object' | 'array';
export type FieldSpec = FieldKind | `${FieldKind}?`;

/** Whether value has the JSON type kind. */
function isKind(value: unknown, kind: FieldKind): boolean {
  if (kind === 'array') return Array.isArray(value);
  if (kind === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === kind;
}

/** A validator for params with these fields (others are let through, as the protocol may add fields). */
export function fields<P>(method: string, spec: Record<string, FieldSpec>): (raw: unknown) => P {
  return (raw) => {
    if (!isKind(raw, 'object')) throw usageError('BAD_PARAMS', `The ${method} request's params must be an object.`);
    const params = raw as Record<string, unknown>;
    for (const [name, want] of Object.entries(spec)) {
      const optional = want.endsWith('?');
      const kind = want.replace('?', '') as FieldKind;
      const value = params[name];
      if (optional && (value === undefined || value === null)) continue;
      const named = `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
      if (!isKind(value, kind)) throw usageError('BAD_PARAMS', `The ${method} request's ${name} must be ${optional ? `null or ${named}` : named}.`, 'The CLI and the daemon may be of different versions: `tmuxcodex daemon stop`, then try again.');
    }
    return raw as P;
  };
}
