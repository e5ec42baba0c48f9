/**
 * HTTP_CONTROL_SERVER_AUTH_DEFAULT_ROLE as gluetun v3.41.1 reads it: ControlServer.validate (settings/server.go)
 * decodes the JSON with DisallowUnknownFields into auth.Role, whose JSON fields are name, auth, apikey,
 * username and password; `routes` is tagged json:"-", so a "routes" key is an unknown field and gluetun
 * refuses to start. A role with auth set must pass Role.Validate (middlewares/auth/settings.go).
 */
import { GLUETUN_SRC } from './gluetun-settings.ts';

export const ROLE_SOURCE = `${GLUETUN_SRC}internal/server/middlewares/auth/settings.go`;
/** auth.Role's JSON fields; encoding/json matches object keys to them case-insensitively. */
export const ROLE_FIELDS = ['name', 'auth', 'apikey', 'username', 'password'] as const;
export const AUTH_METHODS = ['none', 'apikey', 'basic'] as const;

export interface DecodedRole {
  /** Why gluetun refuses the value (empty when it accepts it). */
  refused: string[];
  role?: Partial<Record<(typeof ROLE_FIELDS)[number], string>>;
}

/** `value` with any $(VAR) already replaced by a stand-in (the kubelet expands them). */
export function decodeRole(value: string): DecodedRole {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    return {
      refused: [
        `it is not valid JSON (${(err as Error).message}); gluetun refuses to start ("default authentication role is not valid JSON")`,
      ],
    };
  }
  if (parsed === null) return { refused: [], role: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    return { refused: ['it is not a JSON object; gluetun refuses to start'] };
  const refused: string[] = [];
  const role: DecodedRole['role'] = {};
  for (const [key, v] of Object.entries(parsed)) {
    const field = ROLE_FIELDS.find((f) => f === key.toLowerCase());
    if (!field) {
      const why =
        key.toLowerCase() === 'routes'
          ? 'routes are tagged json:"-" in auth.Role: only an auth file can give a role routes'
          : `the role's fields are ${ROLE_FIELDS.join(', ')}`;
      refused.push(
        `"${key}" is an unknown field, and gluetun decodes the role with DisallowUnknownFields, so it refuses to start (${why})`,
      );
    } else if (v !== null && typeof v !== 'string') refused.push(`"${key}" must be a string; gluetun refuses to start`);
    else if (typeof v === 'string') role[field] = v;
  }
  if (refused.length || !role.auth) return { refused, role };
  if (!(AUTH_METHODS as readonly string[]).includes(role.auth))
    refused.push(
      `auth "${role.auth}" is not one of ${AUTH_METHODS.join(', ')} (case matters: the value is read without lowercasing)`,
    );
  else if (role.auth === 'apikey' && !role.apikey)
    refused.push('auth "apikey" with an empty apikey ("api key is empty")');
  else if (role.auth === 'basic' && (!role.username || !role.password))
    refused.push('auth "basic" needs a username and a password');
  return { refused, role };
}
