/**
 * The first seven lines of the smallest valid configuration (an API token, a manager, a
 * trunk). A test writes its own section after them, so a file:line error in that section
 * counts from line 8.
 */
export const CONFIG_HEAD = `api:
  tokens:
    - { name: crm, token: 9fK2mQ7xLp4vRt8sWz1bNc6yHd3gJe5a }
managers:
  - { extension: "101", name: Anna, password: Zq8rT2mX5vLp }
trunks:
  - { name: t, address: 203.0.113.10, callerId: "+74950000000" }
`;
