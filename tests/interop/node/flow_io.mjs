// The pipe protocol between a client script and the pytest test that drives the pages.
//
//   test -> script   argv[2]: JSON settings (authority, client id/secret, redirect URI, scope)
//   script -> test   one JSON line {"authorization_url": ...}
//   test -> script   one line on stdin: the URL the IdP redirected the browser to
//   script -> test   one JSON line {"result": {...}} and exit 0, or {"error": ...} and exit 1
import { createInterface } from 'node:readline'

export const settings = JSON.parse(process.argv[2] ?? '{}')

export function emit(message) {
  process.stdout.write(JSON.stringify(message) + '\n')
}

export function readCallbackUrl() {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin })
    lines.once('line', (line) => { resolve(line.trim()); lines.close() })
    lines.once('close', () => reject(new Error('stdin closed before the callback URL came')))
  })
}

// Exit once the last line is flushed (pipes are asynchronous on Windows and macOS); exiting
// rather than waiting also ends keep-alive sockets a library may hold.
function finish(message, status) {
  process.stdout.write(JSON.stringify(message) + '\n', () => process.exit(status))
}

export async function run(main) {
  try {
    finish({ result: await main() }, 0)
  } catch (error) {
    finish({ error: String(error?.stack ?? error), code: error?.code ?? error?.errorCode ?? null },
           1)
  }
}
