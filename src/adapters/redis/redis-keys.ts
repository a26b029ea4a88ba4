/** Every Redis key the service uses, built in one place so the layout can be read at a glance. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  /** A phone's registration (JSON Registration), expiring with it: it alone says a manager is registered. */
  registration(extension: string): string {
    return `${this.prefix}reg:${extension}`;
  }

  /** A manager's live state: one hash, one field per AgentState field (layout in lua/agent-hash.lua). */
  agent(extension: string): string {
    return `${this.prefix}agent:${extension}`;
  }

  /** Every manager's answer score in one hash (field: extension, value: JSON AnswerScore), read with one HMGET. */
  answerScores(): string {
    return `${this.prefix}answer-scores`;
  }

  /** Who last talked to each client (field: the number's digits, value: JSON {manager, at}), for sticky routing. */
  clientManagers(): string {
    return `${this.prefix}client-managers`;
  }

  /** The company number each client last called (field: the number's digits), for outbound caller ID. */
  clientLines(): string {
    return `${this.prefix}client-lines`;
  }

  liveCall(callId: string): string {
    return `${this.prefix}call:${callId}`;
  }

  /** Taken by the first call with this Call-ID (SET NX); a second call with it is refused. */
  callIdClaim(callId: string): string {
    return `${this.prefix}call-id:${callId}`;
  }

  /** A console session signed out before its cookie expired (TTL: until it would have). */
  revokedSession(sid: string): string {
    return `${this.prefix}session-revoked:${sid}`;
  }

  /** A login's session generation: "sign out everywhere" raises it, refusing every older cookie. */
  sessionGeneration(login: string): string {
    return `${this.prefix}session-gen:${login}`;
  }

  /** Epoch ms of the last moment a service instance was connected to Kamailio: the end of a call lost while it was away. */
  serviceSeen(): string {
    return `${this.prefix}service-seen`;
  }

  /** The router lease (take-router-lease.lua): the holder id of the one instance answering Kamailio. */
  routerLease(): string {
    return `${this.prefix}router-lease`;
  }

  /** A Kamailio event the active instance has handled (its digest): a standby taking over does not handle it again. */
  handledEvent(digest: string): string {
    return `${this.prefix}event-done:${digest}`;
  }

  /** A round-robin group's turn (reserve-in-turn.lua): the position in its member list where the next offer starts. */
  turn(line: string): string {
    return `${this.prefix}turn:${line}`;
  }

  /** A line's round-robin turn for callback tasks (take-turn.lua): the position in the callback group where the next task starts. */
  callbackTurn(line: string): string {
    return `${this.prefix}callback-turn:${line}`;
  }

  /** A supervisor's coaching session of a call (JSON CoachSession), expiring by itself if never ended. */
  coachSession(coachId: string): string {
    return `${this.prefix}coach:${coachId}`;
  }

  /** The coaching sessions whose stream goes to one manager's browser phone (a set of coach ids). */
  coachSessionsOf(extension: string): string {
    return `${this.prefix}coach-ext:${extension}`;
  }

  /** BullMQ's own prefix: its queues' keys are `<this>:<queue name>:...` (webhook delivery). */
  queuePrefix(): string {
    return `${this.prefix}bull`;
  }
}
