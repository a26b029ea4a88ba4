/** The placeholder of a lead URL template that the lead's id replaces. */
export const LEAD_ID_PLACEHOLDER = '{id}';

/**
 * A link to the lead in the CRM: every "{id}" of the template replaced by the id,
 * URL-encoded, since a CRM's ids may hold "/", "?" or "#" ("deal/42"). No template, no link.
 */
export function leadUrl(template: string | null, leadId: string): string | null {
  if (template === null) return null;
  // encodeURIComponent escapes "$" too, so the id can never read as a "$&" replacement pattern.
  return template.replaceAll(LEAD_ID_PLACEHOLDER, encodeURIComponent(leadId));
}
