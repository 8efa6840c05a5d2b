// Who is at the keyboard: the user, the SSH client they came from, this machine and process.
import { hostname, userInfo } from 'node:os';

export interface Operator {
  user: string;
  /** The SSH client's address, when the session came in over SSH. */
  ssh_client: string | null;
  hostname: string;
  pid: number;
}

export function currentOperator(env: NodeJS.ProcessEnv = process.env): Operator {
  const ssh = env.SSH_CLIENT || env.SSH_CONNECTION;
  return { user: userInfo().username, ssh_client: ssh ? (ssh.split(' ')[0] ?? null) : null, hostname: hostname(), pid: process.pid };
}

export function describeOperator(operator: Operator): string {
  return `${operator.user}${operator.ssh_client ? ` from ${operator.ssh_client}` : ''} (pid ${operator.pid} on ${operator.hostname})`;
}
