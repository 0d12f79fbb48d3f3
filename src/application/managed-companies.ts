/**
 * The partner portal's managed companies. A company lives on two streams: the partner's list
 * (`ManagedCompanyCreated` on firm-P) and its own firm stream (`FirmCreated` with `managedBy: P`).
 *
 * Process rules wired here:
 * - CreateManagedCompany: the name is reserved platform-wide first (owner = the new company id), then
 *   the partner records the company, then SetUpManagedCompany opens the company's stream (tenant =
 *   company id); a refusal of the partner's command releases the name.
 * - Premium apps change on the company's stream, carrying the partner's admin ids (company admins are
 *   staff users of the company: see addCompanyAdmin / removeCompanyAdmin in firms.ts).
 */
import { z } from 'zod';
import type { DecisionContext } from '../core/decider.js';
import { DomainError, PortalError } from '../core/errors.js';
import { idempotencyKey } from '../core/idempotency.js';
import { release, reserve, type Reservation } from '../core/reservation.js';
import * as c from '../firm/commands.js';
import { firmDecider } from '../firm/decider.js';
import type { managedCompanyCreated } from '../firm/events.js';
import { companyNameKey } from '../firm/names.js';
import { initialFirmState, partnerAdminsOf, type FirmState } from '../firm/state.js';
import { streams } from '../streams.js';
import type { AppContext, Caller } from './context.js';
import { callerIsPartnerAdmin, firmInScope, loadFirm, partnerFeaturesDisabled } from './firm-scope.js';
import { id, noInput, parseRequest } from './input.js';
import { streamHas } from './tenant-scan.js';
import type { Written } from './written.js';

type Request = Caller & { correlationId: string };

/** A managed company as created: `revision` is the company's own stream's, where it lives from now on. */
export type CreatedCompany = Written & { companyId: string; name: string };

export const createManagedCompanyInput = c.createManagedCompany.extend({ idempotencyKey: idempotencyKey.optional() });

/**
 * A partner admin creates a company the partner manages. Company names are unique across the
 * platform, case- and whitespace-insensitively. With an `idempotencyKey` a retry returns the first
 * result; a `companyId` chosen by the host works as a key too: repeating the request with it
 * finishes a creation that stopped half-way.
 */
export async function createManagedCompany(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof createManagedCompanyInput>,
): Promise<CreatedCompany> {
  const { idempotencyKey: key, ...data } = parseRequest(caller, createManagedCompanyInput, input);
  return ctx.once(caller, { operation: 'createManagedCompany', key, input: data, create: (keyedId) => createCompany(ctx, caller, data, keyedId) });
}

async function createCompany(ctx: AppContext, caller: Caller, data: z.output<typeof c.createManagedCompany>, keyedId: string): Promise<CreatedCompany> {
  const request = ctx.correlate(caller);
  const partner = (await loadFirm(ctx, request.tenantId)) ?? initialFirmState;
  // Also a rerun finishing a creation: nothing more is done for the partner once its features are off.
  if (partner.status !== 'new' && !partner.partner.enabled) throw partnerFeaturesDisabled();
  const companyId = data.companyId ?? keyedId;
  if (!partner.managedCompanies.some((entry) => entry.companyId === companyId)) {
    if (data.companyId !== undefined && (await loadFirm(ctx, companyId))) {
      throw new DomainError('firm.already_exists', 'A firm with this id already exists.');
    }
    const command = { type: 'CreateManagedCompany' as const, data: { ...data, companyId } };
    // The partner's own refusals (not a partner admin, a name it already manages) come before claiming the name.
    firmDecider.decide(command, partner, decisionContext(ctx, request));
    const reservation: Reservation = { kind: 'company-name', key: companyNameKey(data.name), ownerId: companyId };
    await claimCompanyName(ctx, reservation, request);
    try {
      await ctx.execute(firmDecider, streams.firm(request.tenantId), command, request);
    } catch (error) {
      await release(ctx.reservations, reservation, request);
      throw error;
    }
  }
  return setUpCompany(ctx, request, companyId);
}

/** Claims a company name platform-wide (firms and managed companies alike), or refuses it as taken. */
export async function claimCompanyName(ctx: AppContext, reservation: Reservation, request: Request): Promise<void> {
  try {
    await reserve(ctx.reservations, reservation, request);
  } catch (error) {
    if (error instanceof PortalError && error.code === 'reservation.taken') {
      throw new DomainError('firm.company_name_taken', 'A company with this name already exists.');
    }
    throw error;
  }
}

/** Opens the company's own stream from what the partner recorded; nothing to do when it is open already. */
async function setUpCompany(ctx: AppContext, request: Request, companyId: string): Promise<CreatedCompany> {
  const partnerId = request.tenantId;
  const recorded = await streamHas(ctx, streams.firm(partnerId), 'ManagedCompanyCreated', (d) => d.companyId === companyId);
  const { name, premiumApps, admins } = recorded!.data as z.infer<typeof managedCompanyCreated.schema>;
  const [last] = await ctx.log.readStream(streams.firm(companyId), { direction: 'backwards', maxCount: 1 });
  if (last) return { companyId, name, revision: last.revision, position: last.position };
  const partner = await loadFirm(ctx, partnerId);
  const partnerAdminIds = partner ? partnerAdminsOf(partner).map((s) => s.userId) : [];
  const { nextExpectedRevision, position } = await ctx.execute(
    firmDecider,
    streams.firm(companyId),
    { type: 'SetUpManagedCompany', data: { name, managedBy: partnerId, premiumApps, admins, partnerAdminIds } },
    { ...request, tenantId: companyId, causationId: request.correlationId },
  );
  return { companyId, name, revision: nextExpectedRevision, position };
}

function decisionContext(ctx: AppContext, caller: Caller): DecisionContext {
  return { now: ctx.deps.clock.now(), newId: () => ctx.deps.ids.newId(), actor: caller.actor, tenantId: caller.tenantId };
}

export const changePremiumAppsInput = c.changePremiumApps.omit({ partnerAdminIds: true }).extend({ companyId: id });

/** The managing partner's admin switches a company's premium apps to exactly this selection. */
export async function changePremiumApps(
  ctx: AppContext,
  caller: Caller,
  input: z.input<typeof changePremiumAppsInput>,
): Promise<Written & { companyId: string; premiumApps: FirmState['premiumApps']; changed: boolean }> {
  const { companyId, premiumApps } = parseRequest(caller, changePremiumAppsInput, input);
  const { as, partnerAdminIds } = await firmInScope(ctx, caller, companyId);
  const data = { premiumApps, partnerAdminIds };
  const result = await ctx.execute(firmDecider, streams.firm(companyId), { type: 'ChangePremiumApps', data }, as);
  return {
    companyId,
    premiumApps: result.state.premiumApps,
    changed: result.events.length > 0,
    revision: result.nextExpectedRevision,
    position: result.position,
  };
}

/** A managed company as the partner portal lists it: its premium apps and its admins. */
export interface ManagedCompany {
  companyId: string;
  name: string;
  premiumApps: FirmState['premiumApps'];
  admins: Array<{ userId: string; name: string; email: string }>;
}

/** The companies the caller's firm manages (partner admins only, while the firm's partner features are on). */
export async function listManagedCompanies(ctx: AppContext, caller: Caller, input?: z.input<typeof noInput>): Promise<ManagedCompany[]> {
  parseRequest(caller, noInput, input);
  if (!(await callerIsPartnerAdmin(ctx, caller))) {
    throw new DomainError('firm.not_partner_admin', 'Only partner admins have access to the partner portal.');
  }
  const partner = await loadFirm(ctx, caller.tenantId);
  if (!partner?.partner.enabled) throw partnerFeaturesDisabled();
  const companies: ManagedCompany[] = [];
  for (const { companyId, name } of partner.managedCompanies) {
    // A company whose own stream a crash left unopened lists what the partner recorded: no apps or admins yet.
    const company = await loadFirm(ctx, companyId);
    const admins = company ? partnerAdminsOf(company).map(({ userId, name, email }) => ({ userId, name, email })) : [];
    companies.push({ companyId, name, premiumApps: company?.premiumApps ?? [], admins });
  }
  return companies;
}
