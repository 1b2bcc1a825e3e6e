/** File name of the desired state, next to the stack's cdk.tf.json. */
export const MANIFEST_FILE = 'meshform.json';
/** Context key that pins "now" for expiry checks (ISO date-time), e.g. for reproducible tests. */
export const NOW_CONTEXT_KEY = 'meshform:now';
