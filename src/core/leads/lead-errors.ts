import { AppError } from '../errors/app-error.js';

/** A lead the CRM sent that cannot be tracked as it is: the reply says which field and why. */
export class InvalidLeadError extends AppError {
  constructor(code: 'INVALID_PHONE' | 'UNKNOWN_MANAGER' | 'INVALID_CREATED_AT', message: string) {
    super(`LEAD.${code}`, message, 400);
  }
}
