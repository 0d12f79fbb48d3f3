import { describe, expect, it } from 'vitest';
import { fold } from '../../src/core/decider.js';
import { defaultBranding } from '../../src/firm/branding.js';
import { effectiveBranding } from '../../src/firm/effective-branding.js';
import { firmDecider } from '../../src/firm/decider.js';
import type { FirmEvent } from '../../src/firm/events.js';
import { spec } from '../support/decider-spec.js';
import {
  asStaff,
  bob,
  brandBlue,
  brandingChanged,
  brandingCleared,
  clearBranding,
  companySetUp,
  firmCreated,
  licensingChanged,
  partnerEnabled,
  partnerFirmId,
  setBranding,
  staffAdded,
} from './builders.js';

const partnerAdmin = spec(firmDecider);
const licensingPartner = [firmCreated(), partnerEnabled(true)] as const;

describe('setting partner branding', () => {
  it('records logo, primary colour in lower case and support email', () => {
    partnerAdmin.given(...licensingPartner).when(setBranding()).then(brandingChanged(brandBlue));
  });

  it('takes an https link as support channel', () => {
    partnerAdmin
      .given(...licensingPartner)
      .when(setBranding({ supportChannel: 'https://help.smith.example/portal' }))
      .then(brandingChanged({ ...brandBlue, supportChannel: { kind: 'link', url: 'https://help.smith.example/portal' } }));
  });

  it('lets parts of the branding be left out', () => {
    partnerAdmin
      .given(...licensingPartner)
      .when(setBranding({ logo: null, supportChannel: null }))
      .then(brandingChanged({ logo: null, primaryColour: '#1a2b3c', supportChannel: null }));
  });

  it('decides nothing when the branding is unchanged', () => {
    partnerAdmin.given(...licensingPartner, brandingChanged(brandBlue)).when(setBranding()).then();
  });

  it('refuses a partner that is not a licensing partner', () => {
    partnerAdmin.given(firmCreated(), partnerEnabled(false)).when(setBranding()).thenThrows('firm.not_licensing_partner');
  });

  it('refuses once the platform withdrew the licensing flag', () => {
    partnerAdmin.given(...licensingPartner, licensingChanged(false)).when(setBranding()).thenThrows('firm.not_licensing_partner');
  });

  it('refuses a firm without partner features', () => {
    partnerAdmin.given(firmCreated()).when(setBranding()).thenThrows('firm.partner_features_disabled');
  });

  it('refuses a staff-role user', () => {
    spec(firmDecider, asStaff(bob.userId))
      .given(firmCreated(), staffAdded(bob), partnerEnabled(true))
      .when(setBranding())
      .thenThrows('firm.not_partner_admin');
  });

  it('refuses a logo larger than 1 MiB', () => {
    partnerAdmin
      .given(...licensingPartner)
      .when(setBranding({ logo: { blobRef: 'b', contentType: 'image/png', size: 1024 * 1024 + 1 } }))
      .thenThrows('firm.logo_too_large');
  });

  it('accepts a logo of exactly 1 MiB', () => {
    partnerAdmin
      .given(...licensingPartner)
      .when(setBranding({ logo: { blobRef: 'b', contentType: 'image/svg+xml', size: 1024 * 1024 } }))
      .then(brandingChanged({ ...brandBlue, logo: { blobRef: 'b', contentType: 'image/svg+xml', size: 1024 * 1024 } }));
  });

  it('refuses a logo that is not a PNG, JPEG, SVG or WebP image', () => {
    partnerAdmin
      .given(...licensingPartner)
      .when(setBranding({ logo: { blobRef: 'b', contentType: 'image/gif', size: 100 } }))
      .thenThrows('firm.logo_type_unsupported');
  });

  it.each(['1a2b3c', '#12345', '#GGGGGG', 'blue'])('refuses the brand colour %s', (colour) => {
    partnerAdmin.given(...licensingPartner).when(setBranding({ primaryColour: colour })).thenThrows('firm.invalid_brand_colour');
  });

  it('refuses an http support link', () => {
    partnerAdmin
      .given(...licensingPartner)
      .when(setBranding({ supportChannel: 'http://help.smith.example' }))
      .thenThrows('firm.support_link_not_https');
  });

  it.each(['ftp://help.smith.example', 'javascript:alert(1)'])('refuses the support link %s', (link) => {
    partnerAdmin.given(...licensingPartner).when(setBranding({ supportChannel: link })).thenThrows('firm.support_link_not_https');
  });

  it.each(['help desk', 'help@', 'https://'])('refuses the support channel %s', (channel) => {
    partnerAdmin.given(...licensingPartner).when(setBranding({ supportChannel: channel })).thenThrows('firm.invalid_support_channel');
  });
});

describe('clearing partner branding', () => {
  it('clears the branding', () => {
    partnerAdmin.given(...licensingPartner, brandingChanged(brandBlue)).when(clearBranding()).then(brandingCleared());
  });

  it('decides nothing when there is no branding', () => {
    partnerAdmin.given(...licensingPartner).when(clearBranding()).then();
  });

  it('lets a former licensing partner clear its branding', () => {
    partnerAdmin
      .given(...licensingPartner, brandingChanged(brandBlue), licensingChanged(false))
      .when(clearBranding())
      .then(brandingCleared());
  });

  it('refuses a staff-role user', () => {
    spec(firmDecider, asStaff(bob.userId))
      .given(...licensingPartner, staffAdded(bob), brandingChanged(brandBlue))
      .when(clearBranding())
      .thenThrows('firm.not_partner_admin');
  });
});

describe('effective branding', () => {
  const state = (...events: FirmEvent[]) => fold(firmDecider, events);
  const partner = (...events: FirmEvent[]) => ({ ...state(...events), id: partnerFirmId });

  it("shows a licensing partner's own branding on its own firm", () => {
    expect(effectiveBranding(state(...licensingPartner, brandingChanged(brandBlue)))).toEqual(brandBlue);
  });

  it('gives a firm without branding the defaults', () => {
    expect(effectiveBranding(state(firmCreated()))).toEqual(defaultBranding);
  });

  it("shows a managed company its partner's branding", () => {
    expect(effectiveBranding(state(companySetUp()), partner(...licensingPartner, brandingChanged(brandBlue)))).toEqual(brandBlue);
  });

  it('gives a managed company the defaults when its partner has no branding', () => {
    expect(effectiveBranding(state(companySetUp()), partner(...licensingPartner))).toEqual(defaultBranding);
  });

  it('gives a managed company the defaults when the partner given is not its own', () => {
    expect(effectiveBranding(state(companySetUp()), state(...licensingPartner, brandingChanged(brandBlue)))).toEqual(defaultBranding);
  });

  it('stops showing branding once the partner is no longer a licensing partner', () => {
    const former = partner(...licensingPartner, brandingChanged(brandBlue), licensingChanged(false));
    expect(effectiveBranding(state(companySetUp()), former)).toEqual(defaultBranding);
  });
});
