import { describe, expect, it } from 'vitest';
import { leadUrl } from '../../../src/core/leads/lead-url.js';

describe('leadUrl', () => {
  it('puts the URL-encoded id in place of every {id}', () => {
    expect(leadUrl('https://crm.example.com/crm/lead/details/{id}/', '42')).toBe('https://crm.example.com/crm/lead/details/42/');
    expect(leadUrl('https://crm.example.com/l/{id}?back={id}', 'a b/c?d#e')).toBe('https://crm.example.com/l/a%20b%2Fc%3Fd%23e?back=a%20b%2Fc%3Fd%23e');
  });

  it('gives no link without a template', () => {
    expect(leadUrl(null, '42')).toBeNull();
  });
});
