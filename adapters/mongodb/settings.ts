import { choice, defineSettings, integer, millis } from '../../core/settings.ts';

/** Settings of the MongoDB row (flags `--mongodb-*`). */
export const mongoSettings = defineSettings(
  {
    port: integer({
      help: 'the port every node listens on, each on its own address',
      default: 27017,
      min: 1024,
      max: 55535,
    }),
    writeConcern: choice(['1', 'majority'], {
      help: 'acknowledgement asked of every write: the primary alone, or a majority',
      default: 'majority',
      placeholder: '<w>',
      variants: true,
    }),
    readConcern: choice(['local', 'majority', 'linearizable'], {
      help: 'what a read may return: local (maybe rolled back later), majority, linearizable',
      default: 'majority',
      placeholder: '<level>',
      variants: true,
    }),
    clientTimeoutMs: millis({
      help: "the driver's bound on one operation (server selection, socket); a write past it is info",
      default: 2000,
      min: 100,
    }),
  },
  { prefix: 'mongodb' },
);

export type MongoSettings = ReturnType<typeof mongoSettings.parse>;
