/** The premium apps a partner can switch on for a managed company, in catalogue order. */
export const premiumAppCatalogue = ['payroll', 'timesheets', 'expenses', 'inventory', 'crm', 'reporting'] as const;

export type PremiumApp = (typeof premiumAppCatalogue)[number];

/** The apps without repeats, in catalogue order, so equal selections are equal arrays. */
export function premiumAppSelection(apps: Iterable<PremiumApp>): PremiumApp[] {
  const chosen = new Set(apps);
  return premiumAppCatalogue.filter((app) => chosen.has(app));
}
