/**
 * The country names gluetun v3.41.1 accepts in SERVER_COUNTRIES for ProtonVPN: knowledge about an upstream
 * image, not a network fact. The loader refuses an inventory country outside it (inventory.ts), so generate,
 * lint, the build and every runbook stop at the line of that country instead of gluetun at startup.
 *
 * How gluetun checks it (v3.41.1): ServerSelection.validate -> validateServerFilters ->
 * atLeastOneIsOneOfCaseInsensitive(settings.Countries, choices), where choices are the distinct `country`
 * values of the provider's servers in its server data (storage.GetFilterChoices). Both sides are lowercased,
 * so matching ignores case; when none of the values is a choice gluetun exits with "none of NL is one of the
 * choices available ..." (when only some are, it warns and drops the rest).
 * https://github.com/qdm12/gluetun/blob/v3.41.1/internal/configuration/settings/serverselection.go#L160-L250
 *
 * Where ProtonVPN's names come from: the updater turns Proton's ExitCountry code into a name with
 * constants.CountryCodes(), keeping the lowercased code when the map lacks it
 * (https://github.com/qdm12/gluetun/blob/v3.41.1/internal/provider/protonvpn/updater/countries.go). So every
 * ProtonVPN `country` in the bundled https://github.com/qdm12/gluetun/blob/v3.41.1/internal/storage/servers.json
 * is a value of that map, spelled as below.
 *
 * How this list was extracted: the exact set is
 *   git show v3.41.1:internal/storage/servers.json | jq -r '.protonvpn.servers[].country' | sort -u
 * but that file (over 4 MiB) was not readable where this was written, so the list is the map itself:
 *   git show v3.41.1:internal/constants/countries.go | grep -oE '"[a-z]+": +"[^"]*"'
 * from https://github.com/qdm12/gluetun/blob/v3.41.1/internal/constants/countries.go, as code=Name pairs
 * joined by "|" (250 entries, "gb" and "uk" both United Kingdom; "mys" is upstream's own entry). It is a
 * superset of Proton's countries: spelling is exact (NL, "The Netherlands" and typos are caught), but a
 * country where Proton has no server passes here and still fails in gluetun. Narrow it with the servers.json
 * command above when that file is at hand.
 */
import { closest, distance } from 'fastest-levenshtein';

const PAIRS = `
af=Afghanistan|ax=Aland Islands|al=Albania|dz=Algeria|as=American Samoa|ad=Andorra|ao=Angola|ai=Anguilla|
aq=Antarctica|ag=Antigua and Barbuda|ar=Argentina|am=Armenia|aw=Aruba|au=Australia|at=Austria|az=Azerbaijan|
bs=Bahamas|bh=Bahrain|bd=Bangladesh|bb=Barbados|by=Belarus|be=Belgium|bz=Belize|bj=Benin|bm=Bermuda|bt=Bhutan|
bo=Bolivia|bq=Bonaire|ba=Bosnia and Herzegovina|bw=Botswana|bv=Bouvet Island|br=Brazil|
io=British Indian Ocean Territory|vg=British Virgin Islands|bn=Brunei Darussalam|bg=Bulgaria|bf=Burkina Faso|
bi=Burundi|kh=Cambodia|cm=Cameroon|ca=Canada|cv=Cape Verde|ky=Cayman Islands|cf=Central African Republic|td=Chad|
cl=Chile|cn=China|cx=Christmas Island|cc=Cocos Islands|co=Colombia|km=Comoros|cg=Congo|ck=Cook Islands|
cr=Costa Rica|ci=Cote d'Ivoire|hr=Croatia|cu=Cuba|cw=Curacao|cy=Cyprus|cz=Czech Republic|
cd=Democratic Republic of the Congo|dk=Denmark|dj=Djibouti|dm=Dominica|do=Dominican Republic|ec=Ecuador|eg=Egypt|
sv=El Salvador|gq=Equatorial Guinea|er=Eritrea|ee=Estonia|et=Ethiopia|fk=Falkland Islands|fo=Faroe Islands|
fj=Fiji|fi=Finland|fr=France|gf=French Guiana|pf=French Polynesia|tf=French Southern Territories|ga=Gabon|
gm=Gambia|ge=Georgia|de=Germany|gh=Ghana|gi=Gibraltar|gr=Greece|gl=Greenland|gd=Grenada|gp=Guadeloupe|gu=Guam|
gt=Guatemala|gg=Guernsey|gw=Guinea-Bissau|gn=Guinea|gy=Guyana|ht=Haiti|hm=Heard Island and McDonald Islands|
hn=Honduras|hk=Hong Kong|hu=Hungary|is=Iceland|in=India|id=Indonesia|ir=Iran|iq=Iraq|ie=Ireland|im=Isle of Man|
il=Israel|it=Italy|jm=Jamaica|jp=Japan|je=Jersey|jo=Jordan|kz=Kazakhstan|ke=Kenya|ki=Kiribati|kr=Korea|kw=Kuwait|
kg=Kyrgyzstan|la=Lao People's Democratic Republic|lv=Latvia|lb=Lebanon|ls=Lesotho|lr=Liberia|ly=Libya|
li=Liechtenstein|lt=Lithuania|lu=Luxembourg|mo=Macao|mk=Macedonia|mg=Madagascar|mw=Malawi|my=Malaysia|
mys=Kuala Lumpur|mv=Maldives|ml=Mali|mt=Malta|mh=Marshall Islands|mq=Martinique|mr=Mauritania|mu=Mauritius|
yt=Mayotte|mx=Mexico|fm=Micronesia|md=Moldova|mc=Monaco|mn=Mongolia|me=Montenegro|ms=Montserrat|ma=Morocco|
mz=Mozambique|mm=Myanmar|na=Namibia|nr=Nauru|np=Nepal|nl=Netherlands|nc=New Caledonia|nz=New Zealand|
ni=Nicaragua|ne=Niger|ng=Nigeria|nu=Niue|nf=Norfolk Island|mp=Northern Mariana Islands|no=Norway|om=Oman|
pk=Pakistan|pw=Palau|ps=Palestine, State of|pa=Panama|pg=Papua New Guinea|py=Paraguay|pe=Peru|ph=Philippines|
pn=Pitcairn|pl=Poland|pt=Portugal|pr=Puerto Rico|qa=Qatar|re=Reunion|ro=Romania|ru=Russian Federation|rw=Rwanda|
bl=Saint Barthelemy|sh=Saint Helena|kn=Saint Kitts and Nevis|lc=Saint Lucia|mf=Saint Martin|
pm=Saint Pierre and Miquelon|vc=Saint Vincent and the Grenadines|ws=Samoa|sm=San Marino|st=Sao Tome and Principe|
sa=Saudi Arabia|sn=Senegal|rs=Serbia|sc=Seychelles|sl=Sierra Leone|sg=Singapore|sx=Sint Maarten|sk=Slovakia|
si=Slovenia|sb=Solomon Islands|so=Somalia|za=South Africa|gs=South Georgia and the South Sandwich Islands|
ss=South Sudan|es=Spain|lk=Sri Lanka|sd=Sudan|sr=Suriname|sj=Svalbard and Jan Mayen|sz=Swaziland|se=Sweden|
ch=Switzerland|sy=Syrian Arab Republic|tw=Taiwan|tj=Tajikistan|tz=Tanzania|th=Thailand|tl=Timor-Leste|tg=Togo|
tk=Tokelau|to=Tonga|tt=Trinidad and Tobago|tn=Tunisia|tr=Turkey|tm=Turkmenistan|tc=Turks and Caicos Islands|
tv=Tuvalu|ug=Uganda|ua=Ukraine|ae=United Arab Emirates|gb=United Kingdom|uk=United Kingdom|
um=United States Minor Outlying Islands|us=United States|uy=Uruguay|vi=US Virgin Islands|uz=Uzbekistan|
vu=Vanuatu|va=Vatican City State|ve=Venezuela|vn=Vietnam|wf=Wallis and Futuna|eh=Western Sahara|ye=Yemen|
zm=Zambia|zw=Zimbabwe
`;

/** Proton's (lowercased ISO) code -> gluetun's country name. */
export const GLUETUN_COUNTRY_CODES: ReadonlyMap<string, string> = new Map(
  PAIRS.replace(/\n/g, '')
    .split('|')
    .map((pair) => pair.split('=') as [string, string]),
);

/** The names SERVER_COUNTRIES accepts for ProtonVPN in gluetun v3.41.1 (case-insensitive). */
export const GLUETUN_COUNTRIES: readonly string[] = [...new Set(GLUETUN_COUNTRY_CODES.values())];

/**
 * Why `country` is not a name gluetun v3.41.1 accepts for ProtonVPN, with the likeliest meant one; undefined
 * when it is one (in any case, as gluetun compares).
 */
export function unknownCountry(country: string): string | undefined {
  const lower = country.trim().toLowerCase();
  if (GLUETUN_COUNTRIES.some((c) => c.toLowerCase() === lower) && country.trim() === country) return undefined;
  const lowered = GLUETUN_COUNTRIES.map((c) => c.toLowerCase());
  const near = closest(lower, lowered);
  const meant =
    GLUETUN_COUNTRY_CODES.get(lower) ??
    (distance(lower, near) <= Math.max(2, Math.floor(lower.length / 3))
      ? GLUETUN_COUNTRIES[lowered.indexOf(near)]
      : undefined);
  return [
    `"${country}" is not a country gluetun v3.41.1 knows for ProtonVPN${meant ? `; did you mean ${meant}?` : '.'}`,
    "Write gluetun's English name (src/lib/inventory/gluetun-countries.ts); Proton's two-letter codes such as",
    `${/^[a-z]{2}$/i.test(country.trim()) ? country.trim() : 'NL'} are not accepted: gluetun would refuse SERVER_COUNTRIES at startup.`,
  ].join(' ');
}
