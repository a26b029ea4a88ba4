import type { Logger } from 'pino';
import type { LiveCall } from '../core/calls/live-call.js';
import type { RouteTarget } from '../core/calls/routing-decision.js';
import type { MediaPort } from '../core/media/media-port.js';
import type { Scenario, Voicemail } from '../core/scenarios/scenario-schema.js';
import { defaultSound } from '../core/scenarios/scenario-sounds.js';
import type { DomainEvents } from './domain-events.js';

/** What the recording pipeline needs to store a message (the call's pcap, found by Call-ID). */
export interface VoicemailMessage {
  callId: string;
  scenario: string;
  callerNumber: string;
  companyNumber: string;
  startedAt: number;
  seconds: number;
}

export interface VoicemailDeps {
  media: MediaPort;
  pathOf: (name: string) => string;
  /** The mailbox user agent: where Kamailio sends the call, and how the mailbox hangs up. */
  uri: string;
  hangUp: (callId: string) => void;
  events: DomainEvents;
  /** Queues the message's recording (storage, index, player, retention); absent when recordings are off. */
  store?: (message: VoicemailMessage) => Promise<void>;
  /** Notes the message on the call's callback task. */
  attach: (callId: string, url: string, seconds: number) => Promise<void>;
  /** Where the API serves the recording of a call. */
  recordingUrl: (callId: string) => string;
  log: Logger;
  clock?: () => number;
}

/** A message shorter than this after the beep is a hang-up, not a message. */
const MIN_MESSAGE_MS = 1000;
/** Kamailio rings the mailbox this long before giving up (it answers at once). */
const MAILBOX_RING_MS = 5000;

interface Box {
  call: LiveCall;
  scenario: string;
  settings: Voicemail;
  language: 'en' | 'ru';
  fromTag: string | null;
  beepAt: number | null;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The voice mailbox: a call nobody answered (or one after hours) is routed to the
 * mailbox user agent, which answers; this service plays the prompt and the beep
 * through rtpengine, lets the caller speak up to max_seconds (rtpengine records the
 * call, as every answered call), hangs up, and hands the message to the recording
 * pipeline, the callback task and the CRM (voicemail.left). A caller who hangs up
 * before the beep leaves no message; his call stays a missed call either way.
 */
export class VoicemailService {
  private readonly boxes = new Map<string, Box>();

  constructor(private readonly deps: VoicemailDeps) {}

  /** The call goes to the mailbox: the route Kamailio rings. */
  expect(call: LiveCall, scenario: Scenario, settings: Voicemail): RouteTarget {
    const box: Box = { call, scenario: scenario.name, settings, language: scenario.language ?? 'en', fromTag: null, beepAt: null, timer: undefined };
    // Never answered by the mailbox (Kamailio gave up): forgotten.
    box.timer = setTimeout(() => this.boxes.get(call.callId) === box && box.fromTag === null && this.boxes.delete(call.callId), MAILBOX_RING_MS * 3);
    box.timer.unref();
    this.boxes.set(call.callId, box);
    return { uri: this.deps.uri, ringTimeoutMs: MAILBOX_RING_MS };
  }

  accept(callId: string): boolean {
    return this.boxes.has(callId);
  }

  /** Answered: prompt, beep, then the caller speaks until max_seconds. */
  confirmed(callId: string, fromTag: string): void {
    const box = this.boxes.get(callId);
    if (!box) return;
    clearTimeout(box.timer);
    box.fromTag = fromTag;
    const leg = { callId, fromTag };
    const prompt = box.settings.prompt ?? defaultSound(box.language, 'voicemail-prompt.wav');
    void (async () => {
      for (const file of [prompt, defaultSound(box.language, 'beep.wav')]) {
        const ms = await this.deps.media.play(leg, this.deps.pathOf(file)).catch((err: unknown) => {
          this.deps.log.warn({ err, callId, file }, 'voicemail prompt not played');
          return 0;
        });
        await new Promise((r) => setTimeout(r, ms));
        if (this.boxes.get(callId) !== box) return; // hung up during the prompt
      }
      box.beepAt = this.now();
      this.deps.log.info({ callId, maxSeconds: box.settings.maxSeconds }, 'voicemail: recording the message');
      box.timer = setTimeout(() => this.deps.hangUp(callId), box.settings.maxSeconds * 1000);
    })();
  }

  /** The call is over: a message if the caller spoke after the beep. */
  ended(callId: string): void {
    const box = this.boxes.get(callId);
    if (!box) return;
    this.boxes.delete(callId);
    clearTimeout(box.timer);
    const spokeMs = box.beepAt === null ? 0 : Math.min(this.now() - box.beepAt, box.settings.maxSeconds * 1000);
    if (spokeMs < MIN_MESSAGE_MS) {
      this.deps.log.info({ callId }, 'voicemail: the caller hung up before the beep, no message');
      return;
    }
    void this.messageLeft(box, Math.round(spokeMs / 1000));
  }

  private async messageLeft(box: Box, seconds: number): Promise<void> {
    const { call } = box;
    const url = this.deps.recordingUrl(call.callId);
    const message: VoicemailMessage = {
      callId: call.callId,
      scenario: box.scenario,
      callerNumber: call.callerNumber,
      companyNumber: call.companyNumber ?? call.calleeNumber,
      startedAt: call.startedAt,
      seconds,
    };
    this.deps.log.info({ callId: call.callId, seconds }, 'voicemail left');
    await this.deps.store?.(message).catch((err: unknown) => this.deps.log.error({ err, callId: call.callId }, 'voicemail recording not queued: the spool sweep will find its pcap'));
    await this.deps.attach(call.callId, url, seconds).catch((err: unknown) => this.deps.log.error({ err, callId: call.callId }, 'voicemail not attached to its callback task'));
    this.deps.events.emit('voicemail.left', { ...message, startedAt: new Date(message.startedAt).toISOString(), url, at: new Date(this.now()).toISOString() });
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }
}
