import { Testing } from '../../constructs/cdktf';

Testing.setupJest();
