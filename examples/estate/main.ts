/**
 * An estate of 200 team workspaces generated from estate.yaml: each with an owner, managers, members,
 * a developer group, a dev and a prod project, cost center and business unit tags, and a quota.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Construct } from 'constructs';
import { parse } from 'yaml';
import { App } from 'meshform/cdktf';
import { Group, MeshStack, ProjectRole, TagDefinition, TagValueType, User, Workspace, WorkspaceRole } from 'meshform';

export interface EstateTeam {
  readonly id: string;
  readonly name: string;
  readonly costCenter: string;
  readonly businessUnit: string;
  readonly owner: string;
  readonly managers: string[];
  readonly members: string[];
  readonly group: string;
  readonly projectQuota: number;
}

export interface EstateFile {
  readonly businessUnits: [string, ...string[]];
  readonly teams: EstateTeam[];
}

export function readEstate(file: string = path.join(__dirname, 'estate.yaml')): EstateFile {
  // The YAML sits next to the sources; from dist/ look there.
  const resolved = fs.existsSync(file) ? file : path.resolve(__dirname, '../../../examples/estate/estate.yaml');
  return parse(fs.readFileSync(resolved, 'utf8')) as EstateFile;
}

export class EstateStack extends MeshStack {
  constructor(scope: Construct, id: string, estate: EstateFile = readEstate()) {
    super(scope, id);
    new TagDefinition(this, 'CostCenter', {
      targetKind: 'meshWorkspace',
      key: 'costCenter',
      valueType: TagValueType.string({ validationRegex: '^[0-9]{4}$' }),
      mandatory: true,
    });
    new TagDefinition(this, 'BusinessUnit', {
      targetKind: 'meshWorkspace',
      key: 'businessUnit',
      valueType: TagValueType.singleSelect(estate.businessUnits),
      restricted: true,
    });
    new TagDefinition(this, 'Environment', {
      targetKind: 'meshProject',
      key: 'environment',
      valueType: TagValueType.singleSelect(['dev', 'prod']),
      mandatory: true,
    });

    for (const team of estate.teams) {
      const ws = new Workspace(this, team.id, {
        identifier: team.id,
        displayName: team.name,
        projectQuota: team.projectQuota,
        tags: { costCenter: team.costCenter, businessUnit: team.businessUnit },
      });
      ws.grant(WorkspaceRole.OWNER, User.fromUsername(team.owner));
      for (const m of team.managers) ws.grant(WorkspaceRole.MANAGER, User.fromUsername(m));
      for (const m of team.members) ws.grant(WorkspaceRole.MEMBER, User.fromUsername(m));
      const devs = Group.fromGroupName(team.group);
      ws.grant(WorkspaceRole.MEMBER, devs);
      for (const env of ['dev', 'prod'] as const) {
        const project = ws.addProject(env, {
          identifier: `${team.id}-${env}`,
          displayName: `${team.name} (${env})`,
          tags: { environment: env },
        });
        project.grant(env === 'dev' ? ProjectRole.USER : ProjectRole.READER, devs);
        for (const m of team.managers) project.grant(ProjectRole.ADMIN, User.fromUsername(m));
      }
    }
  }
}

if (require.main === module) {
  const app = new App({ skipValidation: true });
  new EstateStack(app, 'estate');
  app.synth();
}
