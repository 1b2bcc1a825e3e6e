/**
 * The only module that imports cdktf and its prebuilt providers. CDKTF was archived upstream in
 * Dec 2025; moving to the CDK Terrain fork (`cdktn`) is a change to this file alone.
 */
export {
  Annotations,
  App,
  Aspects,
  Lazy,
  LocalBackend,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
} from 'cdktf';
// Not re-exported by cdktf's index, but the hook its own assets use to write extra files at synth.
export { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
export type { IAspect, ISynthesisSession, LocalExecProvisioner, TerraformResourceConfig } from 'cdktf';
export { NullProvider } from '@cdktf/provider-null/lib/provider';
export { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
