import { POSITIONS_SPOKEN } from '../scenarios/scenario-sounds.js';
import type { Language } from '../scenarios/scenario-schema.js';

/**
 * The text of the generated default prompts (sounds/default/<language>/NAME.wav),
 * spoken by espeak-ng at start-up when a file is missing. beep.wav is a tone.
 */
export function defaultPromptTexts(language: Language): Record<string, string> {
  const texts: Record<string, string> =
    language === 'ru'
      ? {
          'greeting.wav': 'Здравствуйте! Вы позвонили в отдел продаж.',
          'recording-notice.wav': 'Разговор записывается.',
          'voicemail-prompt.wav': 'Сейчас никто не может ответить. Оставьте сообщение после сигнала.',
          'position-more.wav': 'Перед вами в очереди больше двадцати звонков. Пожалуйста, оставайтесь на линии.',
        }
      : {
          'greeting.wav': 'Hello, you have reached the sales team.',
          'recording-notice.wav': 'This call is recorded.',
          'voicemail-prompt.wav': 'Nobody can take your call right now. Please leave a message after the tone.',
          'position-more.wav': 'More than twenty callers are ahead of you. Please stay on the line.',
        };
  for (let n = 1; n <= POSITIONS_SPOKEN; n++) {
    texts[`position-${n}.wav`] = language === 'ru' ? `Ваш номер в очереди: ${n}.` : `You are number ${n} in line.`;
  }
  return texts;
}
