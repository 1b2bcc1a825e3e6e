import type { Construct } from 'constructs';
import { LocalBackend, TerraformStack } from './cdktf';
import { Manifest, type ManifestProps } from './manifest';

export type MeshStackProps = ManifestProps;

/**
 * A TerraformStack for meshform: writes `meshform.json` next to `cdk.tf.json`, uses a local backend
 * with a relative path (cdktf's default is an absolute path of the synth directory, which makes the
 * output differ between machines) and requires a Terraform with `terraform_data` (>= 1.4).
 * meshform constructs also work in any TerraformStack; this only saves the setup.
 */
export class MeshStack extends TerraformStack {
  public readonly manifest: Manifest;

  constructor(scope: Construct, id: string, props: MeshStackProps = {}) {
    super(scope, id);
    this.manifest = new Manifest(this, Manifest.ID, props);
    new LocalBackend(this, { path: 'terraform.tfstate' });
    this.addOverride('terraform.required_version', '>= 1.4.0');
  }
}
