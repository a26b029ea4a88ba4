import { AppError } from '../errors/app-error.js';

/** A replay of a delivery that is on its way or was delivered, or whose endpoint cannot take it now. */
export class DeliveryNotReplayableError extends AppError {
  constructor(message: string) {
    super('WEBHOOK.NOT_REPLAYABLE', message, 409);
  }
}
