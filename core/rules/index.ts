export * from './catalogue';
export * from './four-eyes';
export * from './identifiers';
export * from './quota';
export * from './recertification';
export * from './roles';
export * from './tags';
export * from './workspace-state';
