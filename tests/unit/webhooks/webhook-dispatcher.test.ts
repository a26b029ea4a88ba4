import { describe, expect, it } from 'vitest';
import { crmSchema } from '../../../src/config/crm-config-schema.js';
import type { WebhookEnvelope } from '../../../src/core/webhooks/webhook-event.js';
import { DomainEvents } from '../../../src/services/domain-events.js';
import { WebhookDispatcher, type WebhookSink } from '../../../src/services/webhook-dispatcher.js';
import { raiseCall, silentLog, TEST_SIGNING_SECRET, testManagers } from '../../helpers/webhook-harness.js';

const webhooks = [
  { name: 'hooks', kind: 'generic', url: 'https://hooks.example.com/x', secret: TEST_SIGNING_SECRET },
  { name: 'b24', kind: 'bitrix24', url: 'https://p.bitrix24.ru/rest/1/tok/', defaultUserId: 1 },
  { name: 'amo', kind: 'kommo', url: 'https://acme.kommo.com', secret: 'kommo-long-lived-token-0123456789' },
];

/** A sink that records what it was given, optionally slow or failing at first. */
function recordingSink(behaviour: (envelope: WebhookEnvelope, n: number) => Promise<void> = async () => {}) {
  const recorded: { type: string; callId: unknown; endpoints: readonly string[] }[] = [];
  let n = 0;
  const sink: WebhookSink = {
    async record(envelope, endpoints) {
      n += 1;
      await behaviour(envelope, n);
      recorded.push({ type: envelope.type, callId: envelope.data.callId, endpoints });
    },
  };
  return { sink, recorded };
}

function dispatcher(sink: WebhookSink, hooks: unknown[] = webhooks) {
  const events = new DomainEvents();
  const d = new WebhookDispatcher({
    config: { crm: crmSchema.parse({ webhooks: hooks }), managers: testManagers },
    events,
    sink,
    log: silentLog,
    recordRetryDelaysMs: [5, 5, 5],
  });
  d.start();
  return { events, d };
}

describe('WebhookDispatcher', () => {
  it('sends each event to the endpoints whose filter and kind take it', async () => {
    const { sink, recorded } = recordingSink();
    const { events, d } = dispatcher(sink);
    raiseCall(events, 'c1');
    events.emit('manager.auto_paused', { extension: '101', reason: 'no-answer', consecutiveMisses: 3, consecutiveDeclines: 0, callId: 'c1', at: new Date().toISOString() });
    await d.stop();
    expect(recorded).toEqual([
      { type: 'call.started', callId: 'c1', endpoints: ['hooks', 'b24'] },
      { type: 'call.answered', callId: 'c1', endpoints: ['hooks'] },
      { type: 'call.ended', callId: 'c1', endpoints: ['hooks', 'b24', 'amo'] },
      { type: 'manager.auto_paused', callId: 'c1', endpoints: ['hooks'] },
    ]);
  });

  it('records the events of one call in the order raised, even when the first is slow to record', async () => {
    const { sink, recorded } = recordingSink(async (e) => {
      if (e.type === 'call.started') await new Promise((r) => setTimeout(r, 30));
    });
    const { events, d } = dispatcher(sink);
    raiseCall(events, 'slow');
    raiseCall(events, 'other');
    await d.stop();
    expect(recorded.filter((r) => r.callId === 'slow').map((r) => r.type)).toEqual(['call.started', 'call.answered', 'call.ended']);
  });

  it('tries again when recording fails, without letting the call\'s next event overtake', async () => {
    const { sink, recorded } = recordingSink(async (_e, n) => {
      if (n <= 2) throw new Error('PostgreSQL is restarting');
    });
    const { events, d } = dispatcher(sink);
    raiseCall(events, 'c2');
    await d.stop();
    expect(recorded.map((r) => r.type)).toEqual(['call.started', 'call.answered', 'call.ended']);
  });

  it('carries the manager\'s name and CRM user id, and the client\'s number', async () => {
    const envelopes: WebhookEnvelope[] = [];
    const { events, d } = dispatcher({ record: async (e) => void envelopes.push(e) }, [webhooks[0]]);
    raiseCall(events, 'c3', '101');
    await d.stop();
    expect(envelopes[2]).toMatchObject({
      type: 'call.ended',
      data: { callId: 'c3', clientNumber: '+79161234567', manager: { extension: '101', name: 'Anna', crmUserId: '17' }, leadId: null, recordingUrl: null, talkSeconds: 60 },
    });
  });

  it('sends a KPI drawdown, which is no CRM call, to generic endpoints only, as raised', async () => {
    const envelopes: { envelope: WebhookEnvelope; endpoints: readonly string[] }[] = [];
    // Every endpoint subscribes to everything: the kinds decide. Bitrix24 and Kommo log calls, not alerts.
    const everything = webhooks.map((w) => ({ ...w, events: ['*'] }));
    const { events, d } = dispatcher({ record: async (envelope, endpoints) => void envelopes.push({ envelope, endpoints }) }, everything);
    const drawdown = {
      extension: '101', name: 'Anna', day: '2026-03-04', at: '2026-03-05T09:00:00.000Z',
      metrics: [{ metric: 'outboundCalls' as const, current: 6, trailingAverage: 10, change: -0.4, threshold: 0.3 }],
    };
    events.emit('manager.kpi_drawdown', drawdown);
    await d.stop();
    expect(envelopes).toEqual([{ envelope: { type: 'manager.kpi_drawdown', timestamp: drawdown.at, data: drawdown }, endpoints: ['hooks'] }]);
  });

  it('listens to nothing without endpoints, and only to what the filters name', () => {
    const subscribedBy = (hooks: unknown[]) => {
      const names: string[] = [];
      const events = { on: (name: string) => (names.push(name), () => {}) } as unknown as DomainEvents;
      new WebhookDispatcher({ config: { crm: crmSchema.parse({ webhooks: hooks }), managers: testManagers }, events, sink: recordingSink().sink, log: silentLog }).start();
      return names;
    };
    expect(subscribedBy([])).toEqual([]);
    expect(subscribedBy([{ ...webhooks[0], events: ['call.ended', 'lead.*'] }])).toEqual(['call.ended', 'lead.first_dial', 'lead.sla_breached']);
    expect(subscribedBy([webhooks[1]])).toEqual(['call.started', 'call.ended', 'recording.ready']);
    expect(subscribedBy([{ ...webhooks[0], events: ['manager.*'] }])).toEqual(['manager.auto_paused', 'manager.kpi_drawdown']);
  });
});
