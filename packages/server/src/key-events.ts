/**
 * Key events: state changes nobody asked for in a request — the scheduler destroying a key whose deletion date came,
 * rotating a key whose rotation is due, destroying expired imported material or expired import parameters. Each is
 * logged (pino, `msg: "key event"`) and handed to `KmsServerOptions.onKeyEvent`, the hook the audit log attaches to.
 * Events never carry key material. Times are Unix seconds.
 */

export type KeyEvent =
  | {
      type: "KeyDeleted";
      keyId: string;
      uin: string;
      /** When the scheduler destroyed it. */
      at: number;
      /** The DeletionDate it was scheduled for. */
      deletionDate: number;
    }
  | {
      type: "KeyRotated";
      keyId: string;
      uin: string;
      at: number;
      /** The new (now current) key version. */
      version: number;
      nextRotateTime: number;
    }
  | {
      type: "KeyMaterialExpired";
      keyId: string;
      uin: string;
      at: number;
      /** The material's ValidTo. */
      validTo: number;
      /** State after: PendingImport, or PendingDelete when the key was pending deletion. */
      keyState: string;
    }
  | {
      /** A hosted data key destroyed when its DeletionDate came; `keyId` is the DataKeyId. */
      type: "DataKeyDeleted";
      keyId: string;
      uin: string;
      at: number;
      deletionDate: number;
      /** The CMK it was sealed under. */
      cmkKeyId: string;
    }
  | {
      type: "ImportParametersExpired";
      keyId: string;
      at: number;
    };

/** Receives key events; must not throw (a throw is logged and ignored). May return a promise, which is awaited. */
export type KeyEventListener = (event: KeyEvent) => void | Promise<void>;
