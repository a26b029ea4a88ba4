import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import type { RecordingEntry, RecordingStatus } from '../../../src/core/recordings/recording-store.port.js';
import { CallBrowser, type CallBrowserDeps } from '../../../src/services/call-browser.js';
import { makeCall } from '../../helpers/call-records.js';
import { at, makeNewLead } from '../../helpers/leads.js';

const TEMPLATE = 'https://crm.example.com/crm/lead/details/{id}/';
const t = (min: number) => new Date(Date.UTC(2026, 2, 5, 9, min));

/** The index's loadMany over a map, as PostgresRecordingIndex answers it. */
function fakeRecordings(entries: Pick<RecordingEntry, 'callId' | 'status' | 'format' | 'durationSeconds'>[]) {
  const byCall = new Map(entries.map((e) => [e.callId, recordingEntry(e)]));
  return {
    loadMany: vi.fn(async (callIds: string[]) => new Map(callIds.flatMap((id) => (byCall.has(id) ? [[id, byCall.get(id)!] as const] : [])))),
  };
}

function recordingEntry(e: { callId: string; status: RecordingStatus; format: RecordingEntry['format']; durationSeconds: number | null }): RecordingEntry {
  return {
    ...e,
    storageKey: e.status === 'stored' ? `k/${e.callId}` : null,
    bytes: null,
    checksum: null,
    manager: '101',
    callerNumber: '+79161234567',
    calleeNumber: '+74951234567',
    direction: 'inbound',
    startedAt: t(0),
    attempts: 1,
    lastError: null,
    createdAt: t(0),
    storedAt: null,
    deletedAt: null,
  };
}

describe('CallBrowser', () => {
  let callStore: InMemoryCallStore;
  let leads: MemoryLeadStore;

  beforeEach(async () => {
    callStore = new InMemoryCallStore();
    leads = new MemoryLeadStore();
    await callStore.saveCalls([
      // The client dialled in from a number written nationally: his lead is keyed +79161234567.
      makeCall({ callId: 'in', direction: 'inbound', callerNumber: '89161234567', calleeNumber: '+74951234567', manager: '101', startedAt: t(0) }),
      makeCall({ callId: 'out', direction: 'outbound', callerNumber: '102', calleeNumber: '+7 916 765-43-21', manager: '102', startedAt: t(10) }),
      makeCall({ callId: 'int', direction: 'internal', callerNumber: '101', calleeNumber: '102', manager: '102', startedAt: t(20) }),
      makeCall({ callId: 'anon', direction: 'inbound', callerNumber: 'anonymous', calleeNumber: '+74951234567', manager: null, startedAt: t(30) }),
    ]);
    await leads.upsert(makeNewLead({ id: 'old-lead', phone: '+79161234567', createdAt: at(0) }));
    await leads.upsert(makeNewLead({ id: 'deal/42', phone: '+79161234567', createdAt: at(60) }));
  });

  const browser = (over: Partial<CallBrowserDeps> = {}) =>
    new CallBrowser({ callStore, leads, recordings: fakeRecordings([]), leadUrlTemplate: TEMPLATE, defaultRegion: 'RU', ...over });
  const byId = async (b: CallBrowser) => new Map((await b.list({}, {})).items.map((c) => [c.callId, c]));

  it("links the client's newest lead, found by his number in E.164, with its id URL-encoded into the template", async () => {
    const calls = await byId(browser());
    expect(calls.get('in')).toMatchObject({ clientNumber: '89161234567', lead: { id: 'deal/42', url: 'https://crm.example.com/crm/lead/details/deal%2F42/' } });
    // Outbound: the client is the callee. No lead with his number.
    expect(calls.get('out')).toMatchObject({ clientNumber: '+7 916 765-43-21', lead: null });

    await leads.upsert(makeNewLead({ id: 'callee-lead', phone: '+79167654321' }));
    expect((await byId(browser())).get('out')!.lead).toEqual({ id: 'callee-lead', url: 'https://crm.example.com/crm/lead/details/callee-lead/' });
  });

  it('gives an internal call no client number and no lead; an anonymous caller has his raw number but no lead', async () => {
    const spyLeads = { newestByPhones: vi.fn(leads.newestByPhones.bind(leads)) };
    const calls = await byId(browser({ leads: spyLeads }));
    expect(calls.get('int')).toMatchObject({ clientNumber: null, lead: null });
    expect(calls.get('anon')).toMatchObject({ clientNumber: 'anonymous', lead: null });
    // One lookup for the page, of the numbers that have an E.164 form, each once.
    expect(spyLeads.newestByPhones).toHaveBeenCalledTimes(1);
    expect([...spyLeads.newestByPhones.mock.calls[0]![0]].sort()).toEqual(['+79161234567', '+79167654321']);
  });

  it('leaves the link out but keeps the lead when no template is configured', async () => {
    expect((await byId(browser({ leadUrlTemplate: null }))).get('in')!.lead).toEqual({ id: 'deal/42', url: null });
  });

  it("tells each call's recording status, format and duration, loaded in one call for the page", async () => {
    const recordings = fakeRecordings([
      { callId: 'in', status: 'stored', format: 'mp3', durationSeconds: 61.5 },
      { callId: 'out', status: 'pending', format: 'opus', durationSeconds: null },
      { callId: 'anon', status: 'deleted', format: 'wav', durationSeconds: 12 },
    ]);
    const calls = await byId(browser({ recordings }));
    expect(calls.get('in')!.recording).toEqual({ status: 'stored', format: 'mp3', durationSeconds: 61.5, analytics: null });
    expect(calls.get('out')!.recording).toEqual({ status: 'pending', format: 'opus', durationSeconds: null, analytics: null });
    expect(calls.get('anon')!.recording).toEqual({ status: 'deleted', format: 'wav', durationSeconds: 12, analytics: null });
    expect(calls.get('int')!.recording).toBeNull();
    expect(recordings.loadMany).toHaveBeenCalledTimes(1);
    expect(recordings.loadMany.mock.calls[0]![0]).toEqual(['anon', 'int', 'out', 'in']);
  });

  it('works without recordings or leads: every recording and lead is null', async () => {
    const { items } = await browser({ recordings: undefined, leads: undefined }).list({}, {});
    expect(items.map((c) => [c.callId, c.recording, c.lead])).toEqual([
      ['anon', null, null],
      ['int', null, null],
      ['out', null, null],
      ['in', null, null],
    ]);
    expect(items.map((c) => c.clientNumber)).toEqual(['anonymous', null, '+7 916 765-43-21', '89161234567']);
  });

  it("passes the filter and the page to the call store, keeps its total and gives the call's JSON form", async () => {
    const { items, total } = await browser().list({ number: '916', direction: 'inbound' }, { limit: 1, offset: 0 });
    expect(total).toBe(1);
    expect(items.map((c) => c.callId)).toEqual(['in']);
    const page = await browser().list({}, { limit: 2, offset: 1 });
    expect([page.items.map((c) => c.callId), page.total]).toEqual([['int', 'out'], 4]);
    expect(page.items[0]!.startedAt).toBe(t(20).toISOString());
    expect(page.items[0]!.attempts[0]!.startedAt).toMatch(/Z$/);
  });

  it('asks neither the recordings nor the leads about an empty page', async () => {
    const recordings = fakeRecordings([]);
    const spyLeads = { newestByPhones: vi.fn(async () => new Map()) };
    expect(await browser({ recordings, leads: spyLeads }).list({ manager: '999' }, {})).toEqual({ items: [], total: 0 });
    expect(recordings.loadMany).not.toHaveBeenCalled();
    expect(spyLeads.newestByPhones).not.toHaveBeenCalled();
  });
});
