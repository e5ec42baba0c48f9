/** The shape of a row of gluetun's settings table (gluetun-settings.ts explains how gluetun reads a value). */

/** How a value is read: the gosettings reader method, or the parse gluetun applies after it. */
export type Parse =
  | 'string' // r.String / r.Get
  | 'csv' // r.CSV: strings split on ","
  | 'bool' // r.BoolPtr: enabled|yes|on|true, disabled|no|off|false
  | 'uint16'
  | 'uint32'
  | 'int'
  | 'float64' // strconv with gosettings' range checks
  | 'duration' // time.ParseDuration
  | 'uint16-csv'
  | 'addr'
  | 'addr-csv'
  | 'prefix-csv' // r.CSVUint16, netip
  | 'wg-addresses' // CSV, "/32" appended to an item without "/", then netip.ParsePrefix (wireguard.go)
  | 'listen' // a listening address checked with net.SplitHostPort and a port 0..65535
  | 'role-json' // the control server's default role (server.go)
  | 'command'; // split into words by internal/command/split.go

export interface Retro {
  key: string;
  /** Defaults to the current key's parse. */
  parse?: Parse;
  values?: readonly string[];
  note?: string;
}

export interface Setting {
  key: string;
  parse: Parse;
  /** Read with reader.ForceLowercase(false): the value keeps its case. */
  keepCase?: true;
  /** Read with reader.AcceptEmpty(true): an empty value is a value, not "unset". */
  acceptEmpty?: true;
  /** Allowed values (compared lowercased), for a string or each list item. */
  values?: readonly string[];
  /** Item prefixes also allowed (PUBLICIP_API's echoip#<url>). */
  valuePrefixes?: readonly string[];
  /** A regular expression each value (or list item) must match. */
  pattern?: string;
  /** Allowed numeric range (durations in nanoseconds), from the file's validate(). */
  range?: readonly [number, number];
  /** A zero duration is allowed outside the range (it turns the feature off). */
  zeroAllowed?: true;
  /** validate() refuses a 0 in the list (firewall ports). */
  noZero?: true;
  /** validate() refuses a prefix whose address is unspecified (0.0.0.0, ::). */
  specified?: true;
  retro?: readonly Retro[];
  /** The Dockerfile's ENV value; '' when the image sets it empty (the code default then applies). */
  image?: string;
  /** The setDefaults() value. */
  code?: string;
  /** The setDefaults() value in words, where it depends on other settings. */
  codeNote?: string;
  /** A credential: it must come from a Secret, never from git. */
  secret?: true;
  /** Providers the setting is supported or validated for. */
  only?: readonly string[];
  note?: string;
  /** The file at gluetun v3.41.1 whose read()/validate() this row is taken from. */
  file: string;
}
