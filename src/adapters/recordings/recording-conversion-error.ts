import { AppError } from '../../core/errors/app-error.js';

/** A recording that could not be converted: `RECORDING.<code>` (PCAP_UNREADABLE, ENCODER_MISSING, ENCODER_FAILED, FFMPEG_MISSING and FFMPEG_FAILED for decoders...). */
export class RecordingConversionError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`RECORDING.${code}`, message, 500, options);
  }
}
