import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../adapters/http/credentials/credentials.js';
import { tokenHash } from '../../adapters/http/credentials/tokens.js';

/** One adapter under test, with what only some adapters can offer. */
export interface CredentialsSubject {
  credentials: Credentials;
  /** Every file the adapter has written to, as bytes (needed when it keeps anything on disk). */
  storedBytes?: () => Buffer[];
  /** The same storage opened anew (needed when it keeps anything on disk). */
  reopen?: () => Promise<Credentials>;
}

export type CredentialsFactory = (options: { now: () => Date }) => Promise<CredentialsSubject>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T0 = new Date('2026-01-15T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** Whether the adapter keeps anything on disk, and if not why the disk tests are skipped. */
export type Persistence = { onDisk: true } | { onDisk: false; why: string };

/** What every Credentials adapter promises: hashed tokens, lookups, revocation, session expiry. */
export function credentialsContract(name: string, factory: CredentialsFactory, persistence: Persistence): void {
  describe(`Credentials over ${name}`, () => {
    let subject: CredentialsSubject;
    let credentials: Credentials;
    let now: Date;
    beforeEach(async () => {
      now = T0;
      subject = await factory({ now: () => now });
      credentials = subject.credentials;
    });
    afterEach(async () => {
      await credentials.close();
    });

    describe('the platform operator', () => {
      it('makes a token on the first start and returns it that once', async () => {
        const first = await credentials.ensureOperatorToken();
        expect(first.created).toBe(true);
        expect(first.token).toMatch(/^cpo_[A-Za-z0-9_-]{43}$/);
        expect(await credentials.ensureOperatorToken()).toEqual({ created: false, token: null });
        expect(await credentials.findOperator(first.token!)).toBe(true);
      });

      it('takes a token from the environment in place of every other', async () => {
        const { token: printed } = await credentials.ensureOperatorToken();
        const fromEnv = 'automation-chosen-bootstrap-token-0123456789';
        expect(await credentials.ensureOperatorToken(fromEnv)).toEqual({ created: true, token: null });
        expect(await credentials.findOperator(fromEnv)).toBe(true);
        expect(await credentials.findOperator(printed!)).toBe(false);
        expect(await credentials.ensureOperatorToken(fromEnv)).toEqual({ created: false, token: null });
        expect(await credentials.ensureOperatorToken()).toEqual({ created: false, token: null });
        expect(await credentials.findOperator(fromEnv)).toBe(true);
      });

      it('refuses a token from the environment too short to be unguessable', async () => {
        await expect(credentials.ensureOperatorToken('short-token')).rejects.toMatchObject({ code: 'validation.failed' });
        expect((await credentials.ensureOperatorToken()).created).toBe(true);
      });

      it('knows no operator before the first start, nor by any other token', async () => {
        expect(await credentials.findOperator('cpo_' + 'A'.repeat(43))).toBe(false);
        await credentials.ensureOperatorToken();
        const { token } = await credentials.issueStaffToken({ firmId: 'firm-1', userId: 'u1', label: 'CI' });
        expect(await credentials.findOperator(token)).toBe(false);
        expect(await credentials.findOperator('')).toBe(false);
      });
    });

    describe('staff API tokens', () => {
      const issue = (firmId: string, userId: string, label = 'laptop') => credentials.issueStaffToken({ firmId, userId, label });

      it('finds the owner of an issued token, and no one for any other', async () => {
        const { token, info } = await issue('firm-1', 'u1', 'CI');
        expect(token).toMatch(/^cps_[A-Za-z0-9_-]{43}$/);
        expect(info).toEqual({ tokenId: expect.stringMatching(UUID), firmId: 'firm-1', userId: 'u1', label: 'CI', createdAt: T0.toISOString(), lastUsedAt: null });
        expect(await credentials.findStaffToken(token)).toMatchObject({ tokenId: info.tokenId, firmId: 'firm-1', userId: 'u1' });
        expect(await credentials.findStaffToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
        expect(await credentials.findStaffToken(token.slice(4))).toBeNull();
        expect(await credentials.findStaffToken('')).toBeNull();
      });

      it('gives each token a random id of its own, not derived from the token', async () => {
        const a = await issue('firm-1', 'u1');
        const b = await issue('firm-1', 'u1');
        expect(a.info.tokenId).not.toBe(b.info.tokenId);
        expect(a.token).not.toBe(b.token);
        expect(a.token).not.toContain(a.info.tokenId.replaceAll('-', ''));
      });

      it('records the last use at most once a minute', async () => {
        const { token, info } = await issue('firm-1', 'u1');
        now = at(1_000);
        expect((await credentials.findStaffToken(token))!.lastUsedAt).toBe(at(1_000).toISOString());
        now = at(60_999);
        expect((await credentials.findStaffToken(token))!.lastUsedAt).toBe(at(1_000).toISOString());
        now = at(61_000);
        expect((await credentials.findStaffToken(token))!.lastUsedAt).toBe(at(61_000).toISOString());
        expect(await credentials.listStaffTokens('firm-1')).toEqual([{ ...info, lastUsedAt: at(61_000).toISOString() }]);
      });

      it("lists a firm's tokens, or one user's, oldest first and never another firm's", async () => {
        const a = await issue('firm-1', 'u1', 'first');
        const b = await issue('firm-1', 'u2', 'second');
        const c = await issue('firm-1', 'u1', 'third');
        await issue('firm-2', 'u1');
        expect((await credentials.listStaffTokens('firm-1')).map((t) => t.tokenId)).toEqual([a.info.tokenId, b.info.tokenId, c.info.tokenId]);
        expect(await credentials.listStaffTokens('firm-1', 'u1')).toEqual([a.info, c.info]);
        expect(await credentials.listStaffTokens('firm-3')).toEqual([]);
      });

      it('stops accepting a revoked token at once', async () => {
        const { token, info } = await issue('firm-1', 'u1');
        const kept = await issue('firm-1', 'u1');
        expect(await credentials.revokeStaffToken('firm-1', info.tokenId)).toBe(true);
        expect(await credentials.findStaffToken(token)).toBeNull();
        expect(await credentials.revokeStaffToken('firm-1', info.tokenId)).toBe(false);
        expect(await credentials.findStaffToken(kept.token)).not.toBeNull();
      });

      it("never revokes another firm's token by its id", async () => {
        const { token, info } = await issue('firm-1', 'u1');
        expect(await credentials.revokeStaffToken('firm-2', info.tokenId)).toBe(false);
        expect(await credentials.findStaffToken(token)).toMatchObject({ tokenId: info.tokenId });
        expect(await credentials.listStaffTokens('firm-1')).toHaveLength(1);
      });

      it("revokes every token of a removed staff user, and only theirs", async () => {
        const gone = [await issue('firm-1', 'u1'), await issue('firm-1', 'u1')];
        const colleague = await issue('firm-1', 'u2');
        const namesake = await issue('firm-2', 'u1');
        expect(await credentials.revokeStaffTokensOf('firm-1', 'u1')).toBe(2);
        for (const { token } of gone) expect(await credentials.findStaffToken(token)).toBeNull();
        expect(await credentials.findStaffToken(colleague.token)).not.toBeNull();
        expect(await credentials.findStaffToken(namesake.token)).not.toBeNull();
        expect(await credentials.revokeStaffTokensOf('firm-1', 'u1')).toBe(0);
      });
    });

    describe('client sessions', () => {
      const start = (contactId = 'c1', firmId = 'firm-1', ttlSeconds = 3600) =>
        credentials.createSession({ firmId, contactId, ttlSeconds, now: T0 });

      it('finds a session until the instant it expires', async () => {
        const { token, sessionId, expiresAt } = await start('c1', 'firm-1', 3600);
        expect(token).toMatch(/^cpc_[A-Za-z0-9_-]{43}$/);
        expect(sessionId).toMatch(UUID);
        expect(expiresAt).toBe(at(3_600_000).toISOString());
        expect(await credentials.findSession(token, T0)).toEqual({ sessionId, firmId: 'firm-1', contactId: 'c1', createdAt: T0.toISOString(), expiresAt });
        expect(await credentials.findSession(token, at(3_599_999))).not.toBeNull();
        expect(await credentials.findSession(token, at(3_600_000))).toBeNull();
      });

      it('deletes a session found expired', async () => {
        const { token } = await start();
        expect(await credentials.findSession(token, at(3_600_000))).toBeNull();
        expect(await credentials.findSession(token, T0)).toBeNull();
      });

      it('knows no session by a staff token or a made-up one', async () => {
        const { token } = await credentials.issueStaffToken({ firmId: 'firm-1', userId: 'u1', label: 'x' });
        expect(await credentials.findSession(token, T0)).toBeNull();
        expect(await credentials.findSession('cpc_' + 'A'.repeat(43), T0)).toBeNull();
      });

      it('ends a session on logout', async () => {
        const { token } = await start();
        const other = await start();
        await credentials.revokeSession(token);
        expect(await credentials.findSession(token, T0)).toBeNull();
        expect(await credentials.findSession(other.token, T0)).not.toBeNull();
        await credentials.revokeSession(token);
      });

      it("ends every session of a contact whose access closed, and only theirs", async () => {
        const gone = [await start('c1'), await start('c1')];
        const sibling = await start('c2');
        const namesake = await start('c1', 'firm-2');
        expect(await credentials.revokeSessionsOf('firm-1', 'c1')).toBe(2);
        for (const { token } of gone) expect(await credentials.findSession(token, T0)).toBeNull();
        expect(await credentials.findSession(sibling.token, T0)).not.toBeNull();
        expect(await credentials.findSession(namesake.token, T0)).not.toBeNull();
        expect(await credentials.revokeSessionsOf('firm-1', 'c1')).toBe(0);
      });

      it.each([0, -1, 1.5, Number.NaN, 401 * 24 * 3600])('refuses a session lifetime of %s seconds', async (ttlSeconds) => {
        await expect(start('c1', 'firm-1', ttlSeconds)).rejects.toMatchObject({ code: 'validation.failed' });
      });
    });

    it('refuses calls once closed', async () => {
      await credentials.close();
      await expect(credentials.findStaffToken('cps_' + 'A'.repeat(43))).rejects.toMatchObject({ code: 'credentials.closed' });
    });

    describe('on disk', () => {
      if (!persistence.onDisk) {
        it.skip(`skipped: ${persistence.why}`, () => {});
        return;
      }

      it('stores only hashes: no raw token appears in any byte written', async () => {
        const tokens = [
          (await credentials.ensureOperatorToken()).token!,
          (await credentials.issueStaffToken({ firmId: 'firm-1', userId: 'u1', label: 'CI' })).token,
          (await credentials.createSession({ firmId: 'firm-1', contactId: 'c1', ttlSeconds: 60, now: T0 })).token,
        ];
        const files = subject.storedBytes!();
        for (const token of tokens) {
          // The random part alone, and pieces of it, so a token stored in parts is found too.
          for (const piece of [token, token.slice(4), token.slice(4, 20), token.slice(27)]) {
            expect(files.some((bytes) => bytes.includes(Buffer.from(piece, 'utf8')))).toBe(false);
          }
          // What was stored is there, so the search looked where the rows are.
          expect(files.some((bytes) => bytes.includes(tokenHash(token)))).toBe(true);
        }
      });

      it('keeps every credential across a reopen', async () => {
        const operator = (await credentials.ensureOperatorToken()).token!;
        const staff = await credentials.issueStaffToken({ firmId: 'firm-1', userId: 'u1', label: 'CI' });
        const session = await credentials.createSession({ firmId: 'firm-1', contactId: 'c1', ttlSeconds: 60, now: T0 });
        const revoked = await credentials.issueStaffToken({ firmId: 'firm-1', userId: 'u2', label: 'old' });
        await credentials.revokeStaffToken('firm-1', revoked.info.tokenId);
        await credentials.close();

        credentials = await subject.reopen!();
        expect(await credentials.ensureOperatorToken()).toEqual({ created: false, token: null });
        expect(await credentials.findOperator(operator)).toBe(true);
        expect(await credentials.findStaffToken(staff.token)).toMatchObject({ tokenId: staff.info.tokenId, label: 'CI' });
        expect(await credentials.findStaffToken(revoked.token)).toBeNull();
        expect(await credentials.findSession(session.token, T0)).toMatchObject({ sessionId: session.sessionId });
      });
    });
  });
}
