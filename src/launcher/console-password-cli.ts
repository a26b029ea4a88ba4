import { hashPassword } from '../adapters/http/session/password-hash.js';

/**
 * `npm run console-password`: reads a password on stdin (typed, or piped) and prints
 * the passwordHash line for a console.users entry. The password itself is not stored anywhere.
 */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Type the password and press Enter (or pipe it in): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunk.includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const password = await readPassword();
if (password.length < 8) {
  process.stderr.write('A console password needs at least 8 characters.\n');
  process.exit(1);
}
process.stdout.write(`passwordHash: "${await hashPassword(password)}"\n`);
