import { createHash, randomBytes } from 'node:crypto';
import { base64url, opaque } from './ids.js';

/** The tenant id of every personal Microsoft account. */
export const CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** The tenant of the simulator's work/school accounts ("contoso"). */
export const WORK_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export type AccountKind = 'personal' | 'work';
/** Why the account's refresh tokens are refused, if they are. */
export type GrantProblem = 'consent' | 'revoked' | 'expired';

export interface Account {
  oid: string;
  tid: string;
  username: string;
  name: string;
  kind: AccountKind;
  driveId: string;
  grantProblem?: GrantProblem;
}

interface Code {
  account: Account;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  method?: string;
  nonce?: string;
  expiresAt: number;
  redeemed: boolean;
}

interface Grant {
  account: Account;
  clientId: string;
  scopes: string[];
}

export interface TokenAnswer {
  status: number;
  json: Record<string, unknown>;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

const GRANT_PROBLEMS: Record<GrantProblem, [number, string, string?]> = {
  consent: [65001, "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.", 'consent_required'],
  revoked: [50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.'],
  expired: [700082, 'The refresh token has expired due to inactivity. The token was issued on a date more than 90 days ago.'],
};

function oauthError(error: string, aadsts: number, description: string, suberror?: string): TokenAnswer {
  const traceId = crypto.randomUUID();
  const json: Record<string, unknown> = {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${crypto.randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString(),
    trace_id: traceId,
  };
  if (suberror !== undefined) json.suberror = suberror;
  return { status: 400, json };
}

/** An unsigned (alg "none") id_token; MSAL Node does not check signatures of tokens it redeemed itself. */
function idToken(account: Account, clientId: string, nonce?: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'none' }));
  const claims: Record<string, unknown> = {
    ver: '2.0', iss: `https://login.microsoftonline.com/${account.tid}/v2.0`, sub: `sub-${account.oid}`, aud: clientId,
    exp: now + 3600, iat: now, nbf: now, name: account.name, preferred_username: account.username,
    oid: account.oid, tid: account.tid,
  };
  if (nonce !== undefined) claims.nonce = nonce;
  return `${header}.${base64url(JSON.stringify(claims))}.`;
}

/**
 * The Microsoft identity platform as far as the portal uses it: accounts, the authorize step (a
 * simulated login that answers with a code at once), and the token endpoint's authorization_code
 * and refresh_token grants, with `invalid_grant` when a grant is refused.
 */
export class Accounts {
  readonly all: Account[] = [];
  /** Who "logs in" at the next authorize request without a matching login_hint. */
  loginAs: string | undefined;
  /** A one-shot refusal at the authorize step (e.g. 'access_denied' when the user cancels). */
  refuseNextLogin: string | undefined;
  accessTokenSeconds = 3600;
  private readonly codes = new Map<string, Code>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, { account: Account; expiresAt: number }>();

  constructor(private readonly clientSecret?: string) {}

  add(account: { username: string; name: string; kind: AccountKind; driveId: string }): Account {
    const tid = account.kind === 'personal' ? CONSUMER_TENANT : WORK_TENANT;
    const oid = account.kind === 'personal' ? `00000000-0000-0000-${randomBytes(8).toString('hex').replace(/^(.{4})/, '$1-')}` : crypto.randomUUID();
    const made: Account = { ...account, oid, tid };
    this.all.push(made);
    this.loginAs ??= made.username;
    return made;
  }

  find(username: string): Account {
    const account = this.all.find((a) => a.username.toLowerCase() === username.toLowerCase());
    if (account === undefined) throw new Error(`No simulated account "${username}".`);
    return account;
  }

  /** The authorize step: the redirect a browser would follow after the user signed in. */
  authorize(query: URLSearchParams): { status: number; location?: string; text?: string } {
    const redirectUri = query.get('redirect_uri');
    const clientId = query.get('client_id');
    if (redirectUri === null || clientId === null || query.get('response_type') !== 'code') {
      return { status: 400, text: 'AADSTS900144: The request body must contain client_id, redirect_uri and response_type=code.' };
    }
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (this.refuseNextLogin !== undefined) {
      back.searchParams.set('error', this.refuseNextLogin);
      back.searchParams.set('error_description', 'AADSTS65004: User declined to consent to access the app.');
      this.refuseNextLogin = undefined;
      return { status: 302, location: back.href };
    }
    const hint = query.get('login_hint');
    const account = this.all.find((a) => hint !== null && a.username.toLowerCase() === hint.toLowerCase()) ?? this.find(this.loginAs ?? '');
    const code = `M.C${opaque(24)}`;
    this.codes.set(code, {
      account, clientId, redirectUri,
      scopes: (query.get('scope') ?? '').split(' ').filter(Boolean),
      challenge: query.get('code_challenge') ?? undefined,
      method: query.get('code_challenge_method') ?? undefined,
      nonce: query.get('nonce') ?? undefined,
      expiresAt: Date.now() + 10 * 60_000,
      redeemed: false,
    });
    back.searchParams.set('code', code);
    return { status: 302, location: back.href };
  }

  /** POST /consumers/oauth2/v2.0/token with its form body. */
  token(form: URLSearchParams): TokenAnswer {
    const clientId = form.get('client_id') ?? '';
    if (this.clientSecret !== undefined && form.has('client_secret') && form.get('client_secret') !== this.clientSecret) {
      return oauthError('invalid_client', 7000215, 'Invalid client secret provided.');
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.redeemCode(form, clientId);
    if (grantType === 'refresh_token') return this.refresh(form, clientId);
    return oauthError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
  }

  /** The account of a Graph bearer token, 'expired', or undefined when unknown. */
  bearer(token: string): Account | 'expired' | undefined {
    const known = this.accessTokens.get(token);
    if (known === undefined) return undefined;
    return known.expiresAt <= Date.now() ? 'expired' : known.account;
  }

  /** Makes every access token issued so far expired (Graph then answers 401). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  private redeemCode(form: URLSearchParams, clientId: string): TokenAnswer {
    const code = this.codes.get(form.get('code') ?? '');
    if (code === undefined) return oauthError('invalid_grant', 70000, 'The provided value for the input parameter "code" is not valid.');
    if (code.redeemed) return oauthError('invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
    if (code.expiresAt <= Date.now()) return oauthError('invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
    if (code.clientId !== clientId || code.redirectUri !== form.get('redirect_uri')) {
      return oauthError('invalid_grant', 70000, 'The provided authorization code was issued to another client or redirect URI.');
    }
    if (code.challenge !== undefined) {
      const verifier = form.get('code_verifier') ?? '';
      const expected = code.method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
      if (expected !== code.challenge) {
        return oauthError('invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      }
    }
    code.redeemed = true;
    const scopes = (form.get('scope') ?? code.scopes.join(' ')).split(' ').filter(Boolean);
    return this.issue({ account: code.account, clientId, scopes }, code.nonce);
  }

  private refresh(form: URLSearchParams, clientId: string): TokenAnswer {
    const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
    if (grant === undefined || grant.clientId !== clientId) {
      return oauthError('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    }
    const problem = grant.account.grantProblem;
    if (problem !== undefined) {
      const [aadsts, description, suberror] = GRANT_PROBLEMS[problem];
      return oauthError('invalid_grant', aadsts, description, suberror);
    }
    const scopes = (form.get('scope') ?? grant.scopes.join(' ')).split(' ').filter(Boolean);
    return this.issue({ ...grant, scopes });
  }

  private issue(grant: Grant, nonce?: string): TokenAnswer {
    const { account, clientId, scopes } = grant;
    const accessToken = `EwA${opaque(48)}`;
    this.accessTokens.set(accessToken, { account, expiresAt: Date.now() + this.accessTokenSeconds * 1000 });
    const json: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: scopes.filter((s) => !OIDC_SCOPES.has(s)).join(' '),
      expires_in: this.accessTokenSeconds,
      ext_expires_in: this.accessTokenSeconds,
      access_token: accessToken,
      client_info: base64url(JSON.stringify({ uid: account.oid, utid: account.tid })),
    };
    if (scopes.includes('offline_access')) {
      const refreshToken = `M.R3_${opaque(48)}`;
      this.refreshTokens.set(refreshToken, { account, clientId, scopes });
      json.refresh_token = refreshToken;
    }
    if (scopes.includes('openid')) json.id_token = idToken(account, clientId, nonce);
    return { status: 200, json };
  }
}
