/** Every Redis key the service uses, built in one place so the layout can be read at a glance. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  registration(extension: string): string {
    return `${this.prefix}reg:${extension}`;
  }

  /** One hash for every manager (field: extension), so routing reads them all in one HMGET. */
  agentHolds(): string {
    return `${this.prefix}agents:holds`;
  }

  liveCall(callId: string): string {
    return `${this.prefix}call:${callId}`;
  }

  rotation(line: string): string {
    return `${this.prefix}rotation:${line}`;
  }
}
