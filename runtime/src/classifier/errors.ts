// Classifier errors are values with a stable code, never exceptions.

export type ClassifierErrorCode =
  /** A match field has a malformed or out-of-range value. */
  | 'CLS_BAD_FIELD'
  /** An entry's dpid, in-port or priority is malformed. */
  | 'CLS_BAD_ENTRY'
  /** An entry with this id is already in the classifier. */
  | 'CLS_DUPLICATE_ID';

export interface ClassifierError {
  code: ClassifierErrorCode;
  message: string;
  /** The flowspace entry concerned, when there is one. */
  entryId?: number;
  /** The match field concerned, when there is one. */
  field?: string;
}
