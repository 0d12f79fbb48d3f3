/**
 * The Microsoft login for a firm's OneDrive Personal: authorization code + PKCE against
 * `https://login.microsoftonline.com/consumers` (MSAL), one token cache per firm sealed at rest
 * (token-cache.ts), silent refresh. A refresh refused for consent, revocation or an expired grant
 * is a NeedsReconnectError: the sync records it on the firm and stops polling the firm.
 *
 * The `state` of a login and its PKCE verifier are kept here, in process memory: single use, and
 * forgotten after `stateTtlMs` (a login begun on one process must come back to the same process).
 */
import { randomBytes } from 'node:crypto';
import { AuthError, ConfidentialClientApplication, CryptoProvider, InteractionRequiredAuthError, type AccountInfo, type INetworkModule } from '@azure/msal-node';
import type { ReconnectReason } from '../../src/firm/events.js';
import { firmCachePlugin, memoryTokenCaches, type TokenCacheStore } from './token-cache.js';

export const AUTHORITY = 'https://login.microsoftonline.com/consumers';
export const SCOPES = ['Files.ReadWrite', 'offline_access'];

export interface ConnectorOptions {
  clientId: string;
  clientSecret: string;
  /** Where Microsoft sends the browser back: the portal's /onedrive/callback. */
  redirectUri: string;
  caches: TokenCacheStore;
  /** MSAL's network client (the simulator's loopback client in tests and the demo). */
  networkClient?: INetworkModule;
  stateTtlMs?: number;
  now?: () => number;
}

/** What a login started: the URL to send the browser to. */
export interface LoginStart {
  loginUrl: string;
  state: string;
}

/** The pending login a callback's `state` names. */
export interface PendingLogin {
  firmId: string;
  userId: string;
}

/** The connection can no longer get tokens: the firm must connect again. */
export class NeedsReconnectError extends Error {
  override name = 'NeedsReconnectError';
  constructor(readonly reason: ReconnectReason, message: string) {
    super(message);
  }
}

/** A callback whose code Microsoft would not redeem (unknown, used, expired, or not this login's). */
export class LoginCodeError extends Error {
  override name = 'LoginCodeError';
}

/** Longer than any authorization code Microsoft issues: refused before it is sent anywhere. */
export const MAX_CODE_LENGTH = 4096;

/** A callback whose state is unknown, used or too old. */
export class LoginStateError extends Error {
  override name = 'LoginStateError';
}

export class OneDriveConnector {
  private readonly pending = new Map<string, PendingLogin & { verifier: string; expiresAt: number }>();
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  private readonly crypto = new CryptoProvider();
  private readonly now: () => number;

  constructor(private readonly options: ConnectorOptions) {
    this.now = options.now ?? Date.now;
  }

  private app(cachePlugin: ReturnType<typeof firmCachePlugin>): ConfidentialClientApplication {
    const { clientId, clientSecret, networkClient } = this.options;
    return new ConfidentialClientApplication({
      auth: { clientId, clientSecret, authority: AUTHORITY },
      cache: { cachePlugin },
      ...(networkClient ? { system: { networkClient } } : {}),
    });
  }

  private firmApp(firmId: string): ConfidentialClientApplication {
    let app = this.apps.get(firmId);
    if (!app) this.apps.set(firmId, (app = this.app(firmCachePlugin(this.options.caches, firmId))));
    return app;
  }

  /** The Microsoft login URL for a staff user of the firm (PKCE S256, a fresh single-use state). */
  async startLogin(who: PendingLogin): Promise<LoginStart> {
    this.sweep();
    const { verifier, challenge } = await this.crypto.generatePkceCodes();
    const state = randomBytes(24).toString('base64url');
    this.pending.set(state, { ...who, verifier, expiresAt: this.now() + (this.options.stateTtlMs ?? 10 * 60_000) });
    const loginUrl = await this.app(firmCachePlugin(memoryTokenCaches(), 'login')).getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri: this.options.redirectUri,
      state,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      prompt: 'select_account',
    });
    return { loginUrl, state };
  }

  /** Takes the pending login of `state` (once). */
  takeLogin(state: string): PendingLogin & { verifier: string } {
    this.sweep();
    const found = this.pending.get(state);
    this.pending.delete(state);
    if (!found) throw new LoginStateError('This OneDrive login is unknown, was already used or took too long. Start connecting again.');
    return found;
  }

  /**
   * Redeems the callback's code. The token cache is kept only once `accept` (the drive check)
   * resolves, so a refused account (work or school) never replaces the firm's connection.
   */
  async redeem<T>(
    login: PendingLogin & { verifier: string },
    code: string,
    accept: (accessToken: string, account: AccountInfo) => Promise<T>,
  ): Promise<T> {
    const scratch = memoryTokenCaches();
    const app = this.app(firmCachePlugin(scratch, login.firmId));
    const refused = () => new LoginCodeError('Microsoft did not accept this login (its code is invalid, already used or expired). Start connecting again.');
    if (code.length === 0 || code.length > MAX_CODE_LENGTH) throw refused();
    let result;
    try {
      result = await app.acquireTokenByCode({ code, scopes: SCOPES, redirectUri: this.options.redirectUri, codeVerifier: login.verifier });
    } catch (error) {
      if (error instanceof AuthError) throw refused();
      throw error;
    }
    if (!result.account) throw new Error('Microsoft returned no account for this login.');
    const accepted = await accept(result.accessToken, result.account);
    this.options.caches.write(login.firmId, scratch.raw.get(login.firmId)!);
    this.apps.delete(login.firmId); // its in-memory cache holds the old account
    return accepted;
  }

  /** An access token for the firm's connection: from the cache, or refreshed silently. */
  async accessToken(firmId: string, forceRefresh = false): Promise<string> {
    const app = this.firmApp(firmId);
    let account: AccountInfo | undefined;
    try {
      [account] = await app.getTokenCache().getAllAccounts();
    } catch {
      // The sealed cache cannot be opened (another key, damaged): only a new login helps.
      throw new NeedsReconnectError('account_unavailable', "OneDrive's saved sign-in for this firm cannot be read: reconnect OneDrive.");
    }
    if (!account) throw new NeedsReconnectError('account_unavailable', 'OneDrive is not connected for this firm: connect OneDrive.');
    try {
      return (await app.acquireTokenSilent({ account, scopes: SCOPES, forceRefresh })).accessToken;
    } catch (error) {
      throw reconnectErrorOf(error) ?? error;
    }
  }

  /** Forgets the firm's tokens (disconnect). */
  forget(firmId: string): void {
    this.options.caches.delete(firmId);
    this.apps.delete(firmId);
  }

  private sweep(): void {
    const now = this.now();
    for (const [state, login] of this.pending) if (login.expiresAt <= now) this.pending.delete(state);
  }
}

/**
 * MSAL makes an InteractionRequiredAuthError only of known suberrors; a bare invalid_grant (a
 * revoked or expired refresh token) stays a ServerError, so the error code is what counts.
 */
export function reconnectErrorOf(error: unknown): NeedsReconnectError | null {
  if (!(error instanceof AuthError)) return null;
  const interaction = error instanceof InteractionRequiredAuthError || ['invalid_grant', 'interaction_required', 'consent_required', 'login_required'].includes(error.errorCode);
  if (!interaction) return null;
  const text = `${error.subError ?? ''} ${error.errorMessage}`;
  const reason: ReconnectReason = /consent/i.test(text) || /50173|revoked/i.test(text) ? 'consent_revoked' : /expired|700082|70008/i.test(text) ? 'token_expired' : 'account_unavailable';
  return new NeedsReconnectError(reason, 'OneDrive refused to renew the connection: reconnect OneDrive.');
}
