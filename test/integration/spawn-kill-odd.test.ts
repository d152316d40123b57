// The odd kill points of the SIGKILL trials (see spawn-kill.test.ts).
import { killTrials } from '../helpers/spawn-kill.ts';

killTrials([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
