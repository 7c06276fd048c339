#!/usr/bin/env python3
"""End-to-end check that the Python ``wxc_sdk`` (pinned in requirements.txt) drives Patchbay's
Webex-compatible REST API after ``RestSession.BASE`` is pointed at the hub (SPEC API-2).

Environment:
  PATCHBAY_API_BASE    base URL including /v1, e.g. https://127.0.0.1:7080/v1   (required)
  PATCHBAY_API_TOKEN   bearer token                                              (required)
  PATCHBAY_ORG_ID      customer (organisation) id passed as orgId                 (optional)
  PATCHBAY_CA_FILE     PEM file to trust for the hub's TLS certificate           (optional)
  PATCHBAY_WXC_GENERIC_MODEL  customer-managed generic model (default: looked up in supportedDevices)
  PATCHBAY_WXC_PARTNER_MODEL  partner-managed model          (default: looked up in supportedDevices)
  PATCHBAY_WXC_LENIENT=1      accept enum values the SDK does not know (default: strict)
  PATCHBAY_WXC_SKIP_ID_FORMAT=1  do not require ids to be base64 'ciscospark://<region>/<TYPE>/<uuid>'
  PATCHBAY_WXC_TRACE=FILE     write every request/response as JSON lines to FILE

The flow (docs/wxc_sdk-contract.md describes every request and response):
  the token's own account (people/me) -> organisations -> licences -> location (with coordinates;
  also as the calling configuration lists it) -> numbers -> people (directory fields, update, their
  numbers) -> validate MACs -> generate SIP password -> supported devices -> workspace (professional
  licence) and its numbers -> number filters and counts -> licence details and holders -> device by
  MAC (generic, customer-managed) -> SIP credentials (owner.sipUserName, owner.linePort,
  proxy.outboundProxy) -> device settings and applyChanges -> members / availableMembers (and their
  count) / update members -> list devices with paging; the workspace's devices -> activation code
  -> delete device -> partner-managed device with password -> update its password -> errors -> a
  workspace with only a name -> clean-up.

Prints one line per check and ends with the plain line 'N passed, N failed'; exits 1 on any failure.
"""

import os
import sys

# Strict enums: with API_MODEL_ALLOW_EXTRA != 'allow', wxc_sdk's SafeEnum rejects unknown values
# instead of silently extending the enum ('ignore' still tolerates unknown JSON fields). Must be set
# before wxc_sdk is imported.
if os.environ.get('PATCHBAY_WXC_LENIENT') != '1':
    os.environ['API_MODEL_ALLOW_EXTRA'] = 'ignore'

import base64
import datetime
import json
import random
import re
import traceback
import uuid
from typing import Any, Callable, Optional

from wxc_sdk import WebexSimpleApi
from wxc_sdk.common import (
    DeviceCustomization,
    DeviceCustomizations,
    NumberState,
    OwnerType,
    PrimaryOrShared,
    TelephonyType,
    UserLicenseType,
    UserType,
)
from wxc_sdk.devices import Device
from wxc_sdk.licenses import License, LicenseUser
from wxc_sdk.locations import Location
from wxc_sdk.people import Person
from wxc_sdk.rest import ErrorDetail, RestError, RestSession
from wxc_sdk.telephony import NumberListPhoneNumber, NumberListPhoneNumberType, NumberType
from wxc_sdk.telephony.devices import (
    DeviceManagedBy,
    DeviceMember,
    MACState,
    OnboardingMethod,
    SupportedDevice,
)
from wxc_sdk.common import ValidationStatus
from wxc_sdk.telephony.location.numbers import TelephoneNumberType
from wxc_sdk.workspaces import (
    CallingType,
    WorkSpaceType,
    Workspace,
    WorkspaceCalling,
    WorkspaceSupportedDevices,
    WorkspaceWebexCalling,
)

LIC_PROFESSIONAL = 'Webex Calling - Professional'
LIC_WORKSPACES = 'Webex Calling - Workspaces'
LIC_BASIC = 'Webex Calling - Basic'
GENERIC_MODEL_NAME = 'Generic IPPhone Customer Managed'  # Webex's name for the generic profile

# Expected <TYPE> inside the decoded ids (checked unless PATCHBAY_WXC_SKIP_ID_FORMAT=1).
ID_TYPES = {
    'person': 'PEOPLE',
    'location': 'LOCATION',
    'workspace': 'PLACE',
    'device': 'DEVICE',
    'license': 'LICENSE',
    'organization': 'ORGANIZATION',
}

# Webex licence codes inside licence ids (License.lic_type).
LIC_CODES = {LIC_PROFESSIONAL: 'BCSTD', LIC_BASIC: 'BCBASIC', LIC_WORKSPACES: 'BCWS'}


class Prerequisite(Exception):
    """An earlier step this check depends on failed."""


class Flow:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.ctx: dict[str, Any] = {}
        self.base = os.environ.get('PATCHBAY_API_BASE', '').rstrip('/')
        self.token = os.environ.get('PATCHBAY_API_TOKEN', '')
        self.org_id: Optional[str] = os.environ.get('PATCHBAY_ORG_ID') or None
        self.ca_file = os.environ.get('PATCHBAY_CA_FILE') or None
        self.check_ids = os.environ.get('PATCHBAY_WXC_SKIP_ID_FORMAT') != '1'
        self.trace_path = os.environ.get('PATCHBAY_WXC_TRACE') or None
        self.requests_seen: list[tuple[str, str, int, Optional[str]]] = []
        rnd = random.SystemRandom()
        self.run = uuid.uuid4().hex[:6]
        # MACs: 'DEAD' + 8 random hex digits (unicast, not the fax placeholder prefix '02').
        self.macs = [f'DEAD{rnd.getrandbits(32):08X}' for _ in range(3)]
        ext0 = rnd.randrange(2000, 8900)
        self.extensions = [str(ext0 + i) for i in range(3)]
        # French geographic numbers (+33 1 xx xx xx xx); the location is in FR.
        n0 = rnd.randrange(10_000_000, 99_999_000)
        self.numbers = [f'+331{n0 + i:08d}' for i in range(3)]
        # and a French toll-free number (+33 800 xx xx xx), added INACTIVE
        self.tollfree = f'+33800{rnd.randrange(0, 1_000_000):06d}'

    # ------------------------------------------------------------------ harness
    def check(self, name: str, fn: Callable[[], Any]) -> Any:
        try:
            result = fn()
        except Prerequisite as e:
            self.failed += 1
            print(f'FAIL {name}: skipped, needs {e}')
            return None
        except RestError as e:
            self.failed += 1
            print(f'FAIL {name}: HTTP {e.response.status_code} {e.response.request.method} '
                  f'{e.response.request.url}: {e.response.text[:500]}')
            return None
        except Exception as e:  # AssertionError, pydantic.ValidationError, ...
            self.failed += 1
            print(f'FAIL {name}: {type(e).__name__}: {e}')
            if os.environ.get('PATCHBAY_WXC_DEBUG') == '1':
                traceback.print_exc()
            return None
        self.passed += 1
        print(f'ok   {name}')
        return result

    def need(self, *keys: str) -> Any:
        missing = [k for k in keys if self.ctx.get(k) is None]
        if missing:
            raise Prerequisite(', '.join(missing))
        values = [self.ctx[k] for k in keys]
        return values[0] if len(values) == 1 else values

    def assert_id(self, kind: str, webex_id: Optional[str]) -> None:
        assert isinstance(webex_id, str) and webex_id, f'{kind} id missing'
        if not self.check_ids:
            return
        try:
            text = base64.b64decode(f'{webex_id}==').decode()
        except Exception as e:  # what wxc_sdk.base.webex_id_to_uuid would raise
            raise AssertionError(f'{kind} id {webex_id!r} is not base64: {e}')
        m = re.fullmatch(r'ciscospark://[^/]+/([A-Z_]+)/([^/]+)', text)
        assert m, f'{kind} id decodes to {text!r}, expected ciscospark://<region>/<TYPE>/<uuid>'
        assert m.group(1) == ID_TYPES[kind], f'{kind} id has type {m.group(1)}, expected {ID_TYPES[kind]}'
        assert '=' not in webex_id, f'{kind} id {webex_id!r} carries base64 padding'

    @staticmethod
    def uuid_of(webex_id: Optional[str]) -> Optional[str]:
        """The <uuid> of a Webex id (base64 'ciscospark://<region>/<TYPE>/<uuid>'), or the value as
        it is (an orgId may be given as the customer's plain id)."""
        if not webex_id:
            return None
        try:
            text = base64.b64decode(webex_id + '=' * (-len(webex_id) % 4), validate=True).decode()
        except Exception:  # not base64: a plain id
            return webex_id
        m = re.fullmatch(r'ciscospark://[^/]+/[A-Z_]+/([^/]+)', text)
        return m.group(1) if m else webex_id

    def expect_error(self, status: int, fn: Callable[[], Any]) -> ErrorDetail:
        try:
            fn()
        except RestError as e:
            assert e.response.status_code == status, f'expected HTTP {status}, got {e.response.status_code}'
            assert isinstance(e.detail, ErrorDetail), f'error body does not parse as ErrorDetail: {e.detail!r}'
            assert e.detail.message, 'error without message'
            assert e.detail.tracking_id, 'error without trackingId'
            assert e.detail.errors and e.detail.errors[0].description, 'error without errors[0].description'
            assert isinstance(e.code, int) and e.code, f'errors[0].errorCode must be a non-zero integer, got {e.code!r}'
            return e.detail
        raise AssertionError(f'expected HTTP {status}, the call succeeded')

    # ------------------------------------------------------------------ session
    def on_response(self, response, diff_ns: int) -> None:
        req = response.request
        link = response.headers.get('Link')
        self.requests_seen.append((req.method, req.url, response.status_code, link))
        if self.trace_path:
            body = req.body.decode() if isinstance(req.body, bytes) else req.body
            with open(self.trace_path, 'a', encoding='utf-8') as f:
                f.write(json.dumps({
                    'method': req.method, 'url': req.url, 'requestBody': body,
                    'status': response.status_code, 'link': link,
                    'contentType': response.headers.get('Content-Type'),
                    'retryAfter': response.headers.get('Retry-After'),
                    'responseBody': response.text,
                }) + '\n')

    def connect(self) -> WebexSimpleApi:
        if not self.base or not self.token:
            raise SystemExit('PATCHBAY_API_BASE and PATCHBAY_API_TOKEN are required')
        # The SDK builds every URL as RestSession.BASE + '/' + path.
        RestSession.BASE = self.base
        kwargs: dict[str, Any] = {}
        if self.ca_file:
            # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override Session.verify, so set both.
            os.environ['REQUESTS_CA_BUNDLE'] = self.ca_file
            os.environ['CURL_CA_BUNDLE'] = self.ca_file
            kwargs['verify'] = self.ca_file
        api = WebexSimpleApi(tokens=self.token, concurrent_requests=2, **kwargs)
        api.session.register_response_callback(self.on_response)
        return api

    # ------------------------------------------------------------------ the flow
    def main(self) -> int:
        api = self.connect()
        org = self.org_id
        ctx = self.ctx
        print(f'wxc_sdk flow against {self.base} (run {self.run}, org {org or "(token default)"})')

        # -- the token's own account and the organisations it may act on ---------------------
        def me():
            person: Person = api.people.me()
            self.assert_id('person', person.person_id)
            assert person.display_name and person.user_name, person
            # roles carries the Patchbay role; only a customer administrator belongs to an
            # organisation (provider accounts act on the organisations they are given)
            customer_admin = 'customer-admin' in (person.roles or [])
            assert (person.org_id is not None) == customer_admin, (person.roles, person.org_id)
            if person.org_id:
                self.assert_id('organization', person.org_id)
                if org:
                    assert self.uuid_of(org) == self.uuid_of(person.org_id), \
                        f'PATCHBAY_ORG_ID {org} is not the account\'s organisation {person.org_id}'
            assert api.people.me(calling_data=True).person_id == person.person_id
            ctx['me_org'] = person.org_id
            ctx['me_checked'] = True
        self.check('GET /people/me: the token\'s own account (orgId only for a customer administrator)', me)

        def organizations():
            self.need('me_checked')
            orgs = api.organizations.list()
            assert orgs, 'no organisation listed'
            for o in orgs:
                self.assert_id('organization', o.org_id)
                assert o.display_name and o.created, o
            by_uuid = {self.uuid_of(o.org_id): o for o in orgs}
            if ctx['me_org']:
                assert [o.org_id for o in orgs] == [ctx['me_org']], \
                    f'a customer administrator sees exactly their organisation: {orgs}'
            if org:
                assert self.uuid_of(org) in by_uuid, f'PATCHBAY_ORG_ID {org} not among {list(by_uuid)}'
            acting = by_uuid[self.uuid_of(org)] if org else (orgs[0] if len(orgs) == 1 else None)
            for o in orgs[:3]:
                one = api.organizations.details(o.org_id)
                assert one.org_id == o.org_id and one.display_name == o.display_name, one
            ctx['orgs'] = orgs
            ctx['acting_org'] = acting.org_id if acting else None
        self.check('GET /organizations and /organizations/{id}: the customers the token may act on', organizations)

        # -- licences -------------------------------------------------------------------------
        def licences():
            lics: list[License] = api.licenses.list(org_id=org)
            by_name = {lic.name: lic for lic in lics}
            for name in (LIC_PROFESSIONAL, LIC_WORKSPACES, LIC_BASIC):
                assert name in by_name, f'licence {name!r} missing; got {sorted(by_name)}'
                lic = by_name[name]
                assert lic.webex_calling, name
                assert lic.total_units >= lic.consumed_units >= 0, f'{name}: units {lic.consumed_units}/{lic.total_units}'
            prof = by_name[LIC_PROFESSIONAL]
            # two people and a workspace
            assert prof.total_units - prof.consumed_units >= 3, 'need 3 free professional licences'
            self.assert_id('license', prof.license_id)
            ctx['lic_prof'] = prof.license_id
            ctx['lic_ws'] = by_name[LIC_WORKSPACES].license_id
            ctx['lic_basic'] = by_name[LIC_BASIC].license_id
            ctx['lic_prof_before'] = prof
        self.check('GET /licenses: Professional, Workspaces and Basic calling licences', licences)

        # -- location -------------------------------------------------------------------------
        loc_name = f'wxc-e2e-{self.run}'

        def create_location():
            loc_id = api.locations.create(
                name=loc_name, time_zone='Europe/Paris', preferred_language='fr_fr',
                announcement_language='fr_fr', address1='1 rue de la Paix', city='Paris',
                state='Île-de-France', postal_code='75002', country='FR', latitude='48.8687',
                longitude='2.3317', org_id=org)
            self.assert_id('location', loc_id)
            ctx['location'] = loc_id
        self.check('POST /locations returns the new id', create_location)

        def read_location():
            loc_id = self.need('location')
            loc = api.locations.details(location_id=loc_id, org_id=org)
            assert loc.location_id == loc_id and loc.name == loc_name, loc
            assert loc.address and loc.address.country == 'FR' and loc.address.city == 'Paris', loc.address
            assert loc.time_zone == 'Europe/Paris', loc.time_zone
            assert (loc.latitude, loc.longitude) == (48.8687, 2.3317), (loc.latitude, loc.longitude)
            listed = [x for x in api.locations.list(name=loc_name, org_id=org)]
            assert [x.location_id for x in listed if x.name == loc_name] == [loc_id], listed
            assert api.locations.by_name(loc_name, org_id=org).location_id == loc_id
        self.check('GET /locations/{id} (latitude/longitude as floats) and GET /locations?name=', read_location)

        def move_location():
            loc_id = self.need('location')
            api.locations.update(location_id=loc_id, settings=Location(latitude=48.8566, longitude=2.3522),
                                 org_id=org)
            loc = api.locations.details(location_id=loc_id, org_id=org)
            assert (loc.latitude, loc.longitude) == (48.8566, 2.3522), (loc.latitude, loc.longitude)
            assert loc.name == loc_name and loc.address and loc.address.city == 'Paris', loc
        self.check('PUT /locations/{id} {latitude, longitude} keeps the rest', move_location)

        def telephony_locations():
            loc_id = self.need('location')
            listed = list(api.telephony.location.list(name=loc_name, org_id=org))
            assert [x.location_id for x in listed if x.name == loc_name] == [loc_id], listed
            everything = [x.location_id for x in api.telephony.location.list(org_id=org)]
            assert loc_id in everything, everything
            one = api.telephony.location.details(location_id=loc_id, org_id=org)
            assert one.location_id == loc_id and one.name == loc_name, one
            assert one.announcement_language == 'fr_fr', one.announcement_language
        self.check('GET /telephony/config/locations?name= (key locations) and /telephony/config/locations/{id}',
                   telephony_locations)

        # -- numbers --------------------------------------------------------------------------
        def add_numbers():
            loc_id = self.need('location')
            api.telephony.location.number.add(
                location_id=loc_id, phone_numbers=self.numbers, number_type=TelephoneNumberType.did,
                state=NumberState.active, org_id=org)
            listed = {n.phone_number: n for n in api.telephony.phone_numbers(location_id=loc_id, org_id=org)}
            for number in self.numbers:
                assert number in listed, f'{number} not listed after add; got {sorted(listed)}'
                n = listed[number]
                assert n.location.id == loc_id, n.location
                assert n.state == NumberState.active, n.state
                assert n.main_number is False and n.toll_free_number is False, n
                assert n.owner is None, f'{number} should be unassigned: {n.owner}'
            ctx['numbers_added'] = True
            # the SDK's default state is INACTIVE
            api.telephony.location.number.add(
                location_id=loc_id, phone_numbers=[self.tollfree], number_type=TelephoneNumberType.tollfree,
                org_id=org)
            ctx['tollfree_added'] = True
            tf = list(api.telephony.phone_numbers(phone_number=self.tollfree, org_id=org))
            assert [n.phone_number for n in tf] == [self.tollfree], tf
            assert tf[0].state == NumberState.inactive and tf[0].toll_free_number is True, tf[0]
            assert tf[0].included_telephony_types == TelephonyType.pstn_number, tf[0]
        self.check('POST /telephony/config/locations/{id}/numbers (DID active, toll-free inactive), '
                   'GET /telephony/config/numbers', add_numbers)

        # -- person ---------------------------------------------------------------------------
        email = f'wxc-e2e-{self.run}@example.com'

        def create_person():
            loc_id, lic = self.need('location', 'lic_prof')
            settings = Person(emails=[email], display_name=f'Wxc E2e{self.run}', first_name='Wxc',
                              last_name=f'E2e{self.run}', location_id=loc_id, extension=self.extensions[0],
                              licenses=[lic], org_id=org, title='Engineer', department='Voice',
                              nick_name='Wix')
            person = api.people.create(settings=settings, calling_data=True)
            self.assert_id('person', person.person_id)
            assert person.emails == [email], person.emails
            assert lic in (person.licenses or []), person.licenses
            assert person.location_id == loc_id, person.location_id
            assert (person.title, person.department, person.nick_name) == ('Engineer', 'Voice', 'Wix'), person
            ctx['person'] = person.person_id
        self.check('POST /people with a professional calling licence, title, department, nickName', create_person)

        def list_people():
            pid = self.need('person')
            found = list(api.people.list(email=email, calling_data=True, org_id=org))
            assert [p.person_id for p in found] == [pid], found
            p = found[0]
            assert p.extension == self.extensions[0], p.extension
            assert p.display_name == f'Wxc E2e{self.run}', p.display_name
            assert (p.title, p.department, p.nick_name) == ('Engineer', 'Voice', 'Wix'), p
            d = api.people.details(person_id=pid, calling_data=True)
            assert d.person_id == pid and d.emails == [email], d
            assert (d.title, d.department, d.nick_name) == ('Engineer', 'Voice', 'Wix'), d
            if ctx.get('acting_org'):
                assert d.org_id == ctx['acting_org'], (d.org_id, ctx['acting_org'])
        self.check('GET /people?email=&callingData=true and GET /people/{id}', list_people)

        def update_person():
            pid, lic = self.need('person', 'lic_prof')
            # as Webex asks: read the person, change it, PUT it whole
            p = api.people.details(person_id=pid, calling_data=True)
            p.title = 'Architect'
            p.department = 'Unified communications'
            updated = api.people.update(person=p, calling_data=True)
            assert updated.person_id == pid, updated
            d = api.people.details(person_id=pid)
            assert (d.title, d.department, d.nick_name) == ('Architect', 'Unified communications', 'Wix'), d
            assert d.extension == self.extensions[0] and d.licenses == [lic], d
            assert d.first_name == 'Wxc' and d.last_name == f'E2e{self.run}', d
        self.check('PUT /people/{id} (the whole person, as read) keeps the directory and calling fields',
                   update_person)

        email2 = f'wxc-e2e-{self.run}-2@example.com'

        def second_person():
            loc_id, lic = self.need('location', 'lic_prof')
            person = api.people.create(settings=Person(
                emails=[email2], display_name=f'Wxc Second{self.run}', first_name='Wxc',
                last_name=f'Second{self.run}', location_id=loc_id, extension=self.extensions[2],
                licenses=[lic], org_id=org))
            self.assert_id('person', person.person_id)
            assert person.extension == self.extensions[2], person.extension
            ctx['person2'] = person.person_id
        self.check('POST /people: a second professional user with an extension only', second_person)

        def person_numbers():
            pid = self.need('person')
            n = api.person_settings.numbers.read(person_id=pid, org_id=org)
            assert n.distinctive_ring_enabled is False, n
            assert len(n.phone_numbers) == 1, n.phone_numbers
            one = n.phone_numbers[0]
            assert one.primary is True and one.extension == self.extensions[0], one
            assert one.direct_number is None, one
            n = api.person_settings.numbers.read(person_id=pid, prefer_e164_format=True, org_id=org)
            assert [x.extension for x in n.phone_numbers] == [self.extensions[0]], n
        self.check('GET /people/{id}/features/numbers: the extension as the primary entry', person_numbers)

        # -- 1. validate MACs -----------------------------------------------------------------
        def validate_macs():
            r = api.telephony.devices.validate_macs(macs=self.macs, org_id=org)
            assert r.status == ValidationStatus.ok, r
            for s in r.mac_status or []:
                assert s.state == MACState.available, s
            bad = api.telephony.devices.validate_macs(macs=['00:11:22:33:44', self.macs[0]], org_id=org)
            assert bad.status == ValidationStatus.errors, bad
            states = [s.state for s in bad.mac_status or []]
            assert MACState.invalid in states, f'expected an INVALID macStatus entry: {bad.mac_status}'
        self.check('1. POST /telephony/config/devices/actions/validateMacs/invoke', validate_macs)

        # -- 2. generate a SIP password -------------------------------------------------------
        def generate_password():
            loc_id = self.need('location')
            pw = api.telephony.location.generate_password(location_id=loc_id, org_id=org)
            assert isinstance(pw, str) and len(pw) >= 8, pw
            pw2 = api.telephony.location.generate_password(location_id=loc_id, org_id=org)
            assert pw2 != pw, 'two generated passwords are equal'
            ctx['password'] = pw
            ctx['password2'] = pw2
        self.check('2. POST /telephony/config/locations/{id}/actions/generatePassword/invoke', generate_password)

        # -- supported devices ----------------------------------------------------------------
        def supported():
            devs: list[SupportedDevice] = api.telephony.devices.supported_devices(org_id=org).devices or []
            assert devs, 'no supported devices'
            generic = os.environ.get('PATCHBAY_WXC_GENERIC_MODEL')
            partner = os.environ.get('PATCHBAY_WXC_PARTNER_MODEL')
            by_model = {d.model: d for d in devs}
            if not generic:
                generic = GENERIC_MODEL_NAME if GENERIC_MODEL_NAME in by_model else next(
                    (d.model for d in devs if d.managed_by == DeviceManagedBy.customer
                     and d.device_type == 'GENERIC_SIP'), None)
            if not partner:
                partner = next((d.model for d in devs if d.managed_by == DeviceManagedBy.partner
                                and OnboardingMethod.mac_address in d.onboarding_method), None)
            assert generic in by_model, f'no generic customer-managed model; models: {sorted(by_model)}'
            assert partner in by_model, f'no partner-managed model; models: {sorted(by_model)}'
            g = by_model[generic]
            assert g.managed_by == DeviceManagedBy.customer, g.managed_by
            assert OnboardingMethod.mac_address in g.onboarding_method, g.onboarding_method
            assert UserType.place in g.supported_for and UserType.people in g.supported_for, g.supported_for
            assert g.number_of_line_ports >= 2, f'{generic}: numberOfLinePorts {g.number_of_line_ports}'
            assert by_model[partner].managed_by == DeviceManagedBy.partner
            ctx['generic_model'] = generic
            ctx['generic_ports'] = g.number_of_line_ports
            ctx['partner_model'] = partner
            ctx['ac_model'] = next((d.model for d in devs
                                    if OnboardingMethod.activation_code in d.onboarding_method), None)
        self.check('GET /telephony/config/supportedDevices: generic customer-managed and partner models', supported)

        # -- 3. workspace with a professional licence -----------------------------------------
        ws_name = f'wxc-e2e-ws-{self.run}'

        def create_workspace():
            loc_id, lic = self.need('location', 'lic_prof')
            settings = Workspace(
                display_name=ws_name, location_id=loc_id, workspace_type=WorkSpaceType.desk, capacity=2,
                supported_devices=WorkspaceSupportedDevices.phones,
                calling=WorkspaceCalling(type=CallingType.webex, webex_calling=WorkspaceWebexCalling(
                    licenses=[lic], location_id=loc_id, phone_number=self.numbers[0],
                    extension=self.extensions[1])))
            ws = api.workspaces.create(settings=settings, org_id=org)
            self.assert_id('workspace', ws.workspace_id)
            assert ws.display_name == ws_name, ws.display_name
            assert ws.location_id == loc_id, ws.location_id
            assert ws.calling and ws.calling.type == CallingType.webex, ws.calling
            assert ws.supported_devices == WorkspaceSupportedDevices.phones, ws.supported_devices
            ctx['workspace'] = ws.workspace_id
        self.check('3. POST /workspaces (webexCalling, professional licence, number, extension)', create_workspace)

        def read_workspace():
            ws_id = self.need('workspace')
            ws = api.workspaces.details(workspace_id=ws_id)
            assert ws.workspace_id == ws_id and ws.display_name == ws_name, ws
            assert ws.workspace_type == WorkSpaceType.desk and ws.capacity == 2, ws
            listed = list(api.workspaces.list(display_name=ws_name, org_id=org))
            assert [w.workspace_id for w in listed] == [ws_id], listed
            owned = list(api.telephony.phone_numbers(phone_number=self.numbers[0], org_id=org))
            assert len(owned) == 1 and owned[0].owner, owned
            assert owned[0].owner.owner_id == ws_id, owned[0].owner
            assert owned[0].owner.owner_type == 'PLACE', owned[0].owner
        self.check('GET /workspaces/{id}, GET /workspaces?displayName=, number owned by the workspace', read_workspace)

        def workspace_numbers():
            ws_id, loc_id = self.need('workspace', 'location')
            # the SDK calls …/features/numbers/ (trailing slash) with org_id= (not orgId)
            n = api.workspace_settings.numbers.read(workspace_id=ws_id, org_id=org)
            assert n.workspace.id == ws_id, n.workspace
            assert n.location.id == loc_id and n.location.name == loc_name, n.location
            self.assert_id('organization', n.organization.id)
            if ctx.get('acting_org'):
                assert n.organization.id == ctx['acting_org'], (n.organization, ctx['acting_org'])
            assert len(n.phone_numbers) == 1, n.phone_numbers
            one = n.phone_numbers[0]
            assert one.external == self.numbers[0] and one.extension == self.extensions[1], one
            assert one.primary is True, one
        self.check('GET /workspaces/{id}/features/numbers/?org_id=: number, extension, location, organisation',
                   workspace_numbers)

        # -- number filters (all within this run's location) ----------------------------------
        def number_key(n: NumberListPhoneNumber) -> str:
            return n.phone_number or f'ext:{n.extension}'

        def numbers_where(**filters) -> list[NumberListPhoneNumber]:
            return list(api.telephony.phone_numbers(location_id=ctx['location'], org_id=org, **filters))

        def number_filters():
            self.need('location', 'numbers_added', 'tollfree_added', 'workspace', 'person', 'person2')
            ws_id, pid, pid2 = ctx['workspace'], ctx['person'], ctx['person2']
            n0, n1, n2 = self.numbers
            tf = self.tollfree
            e0, e2 = f'ext:{self.extensions[0]}', f'ext:{self.extensions[2]}'
            every = {n0, n1, n2, tf, e0, e2}

            def keys(**filters) -> set[str]:
                return {number_key(n) for n in numbers_where(**filters)}

            listed = numbers_where()
            assert {number_key(n) for n in listed} == every, sorted(number_key(n) for n in listed)
            for n in listed:
                assert n.location.id == ctx['location'] and n.location.name == loc_name, n.location
            by_key = {number_key(n): n for n in listed}
            for k in (e0, e2):
                assert by_key[k].phone_number is None and by_key[k].owner, by_key[k]
                assert by_key[k].owner.owner_type == OwnerType.people, by_key[k].owner
            assert by_key[e0].owner.owner_id == pid and by_key[e2].owner.owner_id == pid2, (by_key[e0], by_key[e2])
            assert by_key[n0].extension == self.extensions[1], by_key[n0]

            people_entries = numbers_where(owner_type=OwnerType.people)
            assert {number_key(n) for n in people_entries} == {e0, e2}, people_entries
            assert all(n.owner.owner_type == OwnerType.people for n in people_entries), people_entries
            places = numbers_where(owner_type=OwnerType.place)
            assert [number_key(n) for n in places] == [n0], places
            assert places[0].owner.owner_type == OwnerType.place and places[0].owner.owner_id == ws_id, places
            assert keys(owner_type=OwnerType.virtual_line) == set(), 'no virtual lines here'
            assert keys(owner_name=f'e2e{self.run}') == {e0}, 'ownerName is contained, case-insensitive'
            assert keys(owner_id=ws_id) == {n0}
            assert keys(owner_id=pid2) == {e2}
            assert keys(state=NumberState.inactive) == {tf}
            assert keys(state=NumberState.active) == every - {tf}
            extension_only = numbers_where(number_type=NumberType.extension)
            assert {number_key(n) for n in extension_only} == {e0, e2}, extension_only
            assert all(n.phone_number is None for n in extension_only), extension_only
            with_number = numbers_where(number_type=NumberType.number)
            assert {n.phone_number for n in with_number} == {n0, n1, n2, tf}, with_number
            assert keys(extension=self.extensions[1]) == {n0}
            assert keys(extension=self.extensions[0]) == {e0}
            assert keys(phone_number=n1) == {n1}
            toll_free = numbers_where(toll_free_numbers=True)
            assert [n.phone_number for n in toll_free] == [tf] and toll_free[0].toll_free_number, toll_free
            assert keys(toll_free_numbers=False) == every - {tf}
            assert keys(included_telephony_type=TelephonyType.pstn_number) == {n0, n1, n2, tf}
            assert keys(included_telephony_type=TelephonyType.mobile_number) == set()
            assert keys(available=True) == {n1, n2, tf}
            assert keys(available=False) == {n0, e0, e2}
            assert keys(assigned=True) == {n0, e0, e2}
            assert keys(assigned=False) == {n1, n2, tf}
            assert keys(phone_number_type=NumberListPhoneNumberType.primary) == every
            assert keys(phone_number_type=NumberListPhoneNumberType.fax) == set()
            # properties no number here has: asked for, nothing; asked against, everything
            for flag in ('service_number', 'reserved_number', 'elin_enabled', 'restricted_non_geo_numbers'):
                assert keys(**{flag: True}) == set(), flag
                assert keys(**{flag: False}) == every, flag
            assert keys(details=True) == every
            # order: by the holder's extension / last name (held first), by number (extension-only last)
            ordered = [number_key(n) for n in numbers_where(order='extension')]
            assert ordered[:3] == [e0, n0, e2], ordered
            ordered = [number_key(n) for n in numbers_where(order='lastName')]
            assert ordered[:3] == [e0, e2, n0], ordered
            ordered = [number_key(n) for n in numbers_where(order='dn')]
            assert set(ordered[-2:]) == {e0, e2}, ordered
            # filters combine
            assert keys(owner_type=OwnerType.people, extension=self.extensions[2]) == {e2}
            assert keys(available=True, state=NumberState.active) == {n1, n2}
        self.check('GET /telephony/config/numbers filters: ownerType, ownerName, ownerId, state, numberType, '
                   'extension, tollFreeNumbers, includedTelephonyTypes, available/assigned, order …', number_filters)

        def number_counts():
            self.need('numbers_added', 'tollfree_added')
            everything = list(api.telephony.phone_numbers(org_id=org))
            d = api.telephony.phone_number_details(org_id=org)
            assert d.total == len(everything), (d, len(everything))
            assert d.extension_only == sum(1 for n in everything if n.phone_number is None), d
            assert d.assigned == sum(1 for n in everything if n.owner), d
            assert d.un_assigned == sum(1 for n in everything if n.phone_number and not n.owner), d
            assert d.in_active == sum(1 for n in everything if n.state == NumberState.inactive), d
            assert d.toll_free_numbers == sum(1 for n in everything if n.toll_free_number), d
            assert d.mobile_number == sum(
                1 for n in everything if n.included_telephony_types == TelephonyType.mobile_number), d
            assert d.assigned + d.un_assigned == d.total, d
            assert d.extension_only >= 2 and d.in_active >= 1 and d.toll_free_numbers >= 1, d
        self.check('GET /telephony/config/numbers?details=true&max=1: the count object matches the list',
                   number_counts)

        # -- licence details and holders ------------------------------------------------------
        def licence_details():
            prof, before = self.need('lic_prof', 'lic_prof_before')
            self.need('person', 'person2', 'workspace')
            lic: License = api.licenses.details(prof)
            assert lic.license_id == prof and lic.name == LIC_PROFESSIONAL, lic
            assert lic.total_units == before.total_units, (lic.total_units, before.total_units)
            assert lic.consumed_by_users == before.consumed_by_users + 2, (lic.consumed_by_users, before)
            assert lic.consumed_by_workspaces == before.consumed_by_workspaces + 1, (lic.consumed_by_workspaces, before)
            assert lic.consumed_units == lic.consumed_by_users + lic.consumed_by_workspaces, lic
            codes = {}
            for key, name in (('lic_prof', LIC_PROFESSIONAL), ('lic_basic', LIC_BASIC), ('lic_ws', LIC_WORKSPACES)):
                one = api.licenses.details(ctx[key])
                assert one.name == name, one
                assert one.lic_type == LIC_CODES[name], f'{name}: lic_type {one.lic_type}'
                codes[name] = str(uuid.UUID(one.lic_uuid))
            assert len(set(codes.values())) == 3, codes
        self.check('GET /licenses/{id}: units, consumedByUsers/Workspaces; License.lic_type/lic_uuid decode',
                   licence_details)

        def licence_holders():
            prof = self.need('lic_prof')
            self.need('person', 'person2')
            total = api.licenses.details(prof).consumed_by_users
            before = len(self.requests_seen)
            users: list[LicenseUser] = list(api.licenses.assigned_users(prof, max=1))
            pages = [r for r in self.requests_seen[before:] if r[0] == 'GET']
            emails = [u.email for u in users]
            assert email in emails and email2 in emails, emails
            assert len(users) == total, f'{len(users)} users listed, consumedByUsers {total}'
            assert len(pages) >= total, f'max=1 with {total} holders took {len(pages)} request(s)'
            for _, url, _, link in pages:
                if link:
                    m = re.match(r'\s*<([^>]*)>', link)
                    assert m and re.match(r'https?://', m.group(1)), f'Link is not absolute: {link}'
            assert 'includeAssignedTo=user' in pages[1][1] and 'max=1' in pages[1][1], pages[1][1]
            ids = {u.id for u in users}
            assert ctx['person'] in ids and ctx['person2'] in ids, ids
            assert all(u.type == 'INTERNAL' and u.display_name for u in users), users
        self.check('GET /licenses/{id}?includeAssignedTo=user&max=1: the holders (key users), paged by Link',
                   licence_holders)

        # -- 4. device by MAC (generic, customer-managed) -------------------------------------
        def create_device():
            ws_id, model, pw = self.need('workspace', 'generic_model', 'password')
            dev: Device = api.devices.create_by_mac_address(
                mac=self.macs[0], workspace_id=ws_id, model=model, password=pw, org_id=org)
            assert dev is not None, 'POST /devices returned no body'
            self.assert_id('device', dev.device_id)
            assert dev.mac == self.macs[0], dev.mac
            assert dev.workspace_id == ws_id, dev.workspace_id
            assert dev.person_id is None, dev.person_id
            assert dev.product_type in (None, 'phone'), dev.product_type
            ctx['device'] = dev.device_id
        self.check('4. POST /devices (mac, workspaceId, model, password)', create_device)

        # -- 5. SIP credentials ---------------------------------------------------------------
        def sip_details():
            dev_id, model = self.need('device', 'generic_model')
            d = api.telephony.devices.details(device_id=dev_id, org_id=org)
            assert d.id == dev_id, d.id
            assert d.mac == self.macs[0], d.mac
            assert d.model == model, d.model
            assert d.managed_by == 'CUSTOMER', d.managed_by
            assert d.owner and d.owner.sip_user_name, f'owner.sipUserName missing: {d.owner}'
            assert d.owner.line_port and '@' in d.owner.line_port, f'owner.linePort: {d.owner}'
            assert d.proxy and d.proxy.outbound_proxy, f'proxy.outboundProxy missing: {d.proxy}'
            ctx['sip_user'] = d.owner.sip_user_name
        self.check('5. GET /telephony/config/devices/{id}: owner.sipUserName, owner.linePort, proxy.outboundProxy',
                   sip_details)

        # -- device settings ------------------------------------------------------------------
        def device_settings():
            dev_id, model = self.need('device', 'generic_model')
            s = api.telephony.devices.device_settings(device_id=dev_id, device_model=model, org_id=org)
            assert s.custom_enabled is False, s
            assert s.customizations.model_dump(exclude_none=True) == {}, s.customizations
            assert s.last_update_time is None, s.last_update_time
            # GET takes deviceModel=, PUT takes model=; the body is {"customizations":{},"customEnabled":true}
            api.telephony.devices.update_device_settings(
                device_id=dev_id, device_model=model, org_id=org,
                customization=DeviceCustomization(customizations=DeviceCustomizations(), custom_enabled=True))
            s = api.telephony.devices.device_settings(device_id=dev_id, org_id=org)
            assert s.custom_enabled is True, s
            assert s.customizations.model_dump(exclude_none=True) == {}, s.customizations
            # lastUpdateTime is epoch milliseconds; the SDK makes it a local naive datetime
            assert s.last_update_time is not None, 'lastUpdateTime missing after an update'
            age = abs((datetime.datetime.now() - s.last_update_time).total_seconds())
            assert age < 600, f'lastUpdateTime {s.last_update_time}'
            self.expect_error(400, lambda: api.telephony.devices.device_settings(
                device_id=dev_id, device_model='Not Its Model', org_id=org))
            api.telephony.devices.apply_changes(device_id=dev_id, org_id=org)
        self.check('GET/PUT /telephony/config/devices/{id}/settings (customEnabled), '
                   'POST …/actions/applyChanges/invoke', device_settings)

        # -- 6. members -----------------------------------------------------------------------
        def members_initial():
            dev_id, ws_id, model = self.need('device', 'workspace', 'generic_model')
            m = api.telephony.devices.members(device_id=dev_id, org_id=org)
            assert m.model == model, m.model
            assert m.max_line_count >= 2, m.max_line_count
            assert len(m.members) == 1, m.members
            owner = m.members[0]
            assert owner.member_id == ws_id, owner.member_id
            assert owner.member_type == UserType.place, owner.member_type
            assert owner.primary_owner is True and owner.port == 1, owner
            assert owner.line_type == PrimaryOrShared.primary, owner.line_type
            assert owner.phone_number == self.numbers[0] and owner.extension == self.extensions[1], owner
            assert owner.location and owner.location.id == ctx['location'], owner.location
            assert owner.location.name == loc_name, owner.location
            assert owner.license_type == UserLicenseType.professional_workspace, owner.license_type
            ctx['owner_member'] = owner
        self.check('6a. GET /telephony/config/devices/{id}/members: the workspace is the primary owner '
                   '(number, extension, location, licenseType)',
                   members_initial)

        def available():
            dev_id, pid = self.need('device', 'person')
            found = list(api.telephony.devices.available_members(
                device_id=dev_id, member_name=f'E2e{self.run}', org_id=org))
            assert pid in [a.member_id for a in found], f'person not among availableMembers: {found}'
            a = next(a for a in found if a.member_id == pid)
            assert a.member_type == UserType.people, a.member_type
            assert a.extension == self.extensions[0] and a.phone_number is None, a
            assert a.location and a.location.id == ctx['location'] and a.location.name == loc_name, a.location
            assert a.license_type == UserLicenseType.professional_user, a.license_type
            ctx['available_person'] = a
            n = api.telephony.devices.get_count_of_members(
                device_id=dev_id, member_name=f'E2e{self.run}', org_id=org)
            assert n == len(found), f'availableMembers/count {n}, listed {len(found)}'
            everyone = list(api.telephony.devices.available_members(device_id=dev_id, org_id=org))
            n = api.telephony.devices.get_count_of_members(device_id=dev_id, org_id=org)
            assert n == len(everyone) and n >= 2, f'availableMembers/count {n}, listed {len(everyone)}'
            by_ext = [m.member_id for m in api.telephony.devices.available_members(
                device_id=dev_id, extension=self.extensions[2], org_id=org)]
            assert by_ext == [ctx['person2']], by_ext
            assert api.telephony.devices.get_count_of_members(
                device_id=dev_id, extension=self.extensions[2], org_id=org) == 1
        self.check('6b. GET /telephony/config/devices/{id}/availableMembers?memberName= (location, licenseType) '
                   'and …/availableMembers/count', available)

        def add_line():
            dev_id, owner, pid = self.need('device', 'owner_member', 'person')
            # as in wxc_sdk's examples/workspaces_and_users.py: keep the place, add the user
            api.telephony.devices.update_members(
                device_id=dev_id, members=[owner, DeviceMember(member_id=pid)], org_id=org)
            m = api.telephony.devices.members(device_id=dev_id, org_id=org)
            assert [x.member_id for x in m.members] == [owner.member_id, pid], m.members
            user = m.members[1]
            assert user.port == 2 and user.primary_owner is False, user
            assert user.member_type == UserType.people, user.member_type
            assert user.extension == self.extensions[0] and user.location.id == ctx['location'], user
            assert user.license_type == UserLicenseType.professional_user, user.license_type
        self.check('6c. PUT /telephony/config/devices/{id}/members adds the person as line 2', add_line)

        def add_from_available():
            dev_id, owner, a = self.need('device', 'owner_member', 'available_person')
            api.telephony.devices.update_members(device_id=dev_id, members=[owner], org_id=org)
            m = api.telephony.devices.members(device_id=dev_id, org_id=org)
            assert len(m.members) == 1, f'line 2 not removed: {m.members}'
            api.telephony.devices.update_members(device_id=dev_id, members=[owner, a], org_id=org)
            m = api.telephony.devices.members(device_id=dev_id, org_id=org)
            assert [x.member_id for x in m.members] == [owner.member_id, a.member_id], m.members
        self.check('6d. PUT members: remove line 2, then add an AvailableMember', add_from_available)

        def remove_all_lines():
            dev_id, owner = self.need('device', 'owner_member')
            # no members -> the SDK sends a PUT without a body: "all removed except the primary user"
            api.telephony.devices.update_members(device_id=dev_id, org_id=org)
            m = api.telephony.devices.members(device_id=dev_id, org_id=org)
            assert [x.member_id for x in m.members] == [owner.member_id], m.members
        self.check('6e. PUT members with no body keeps only the primary owner', remove_all_lines)

        # -- 7. list devices with paging ------------------------------------------------------
        def second_device():
            ws_id, model, pw2 = self.need('workspace', 'generic_model', 'password2')
            dev = api.devices.create_by_mac_address(mac=self.macs[1], workspace_id=ws_id, model=model,
                                                    password=pw2, org_id=org)
            self.assert_id('device', dev.device_id)
            ctx['device2'] = dev.device_id
            r = api.telephony.devices.validate_macs(macs=[self.macs[0]], org_id=org)
            assert r.status == ValidationStatus.errors, r
            assert [s.state for s in r.mac_status or []] == [MACState.unavailable], r.mac_status
        self.check('7a. second device on the professional workspace; its MAC now UNAVAILABLE', second_device)

        def paging():
            ws_id, d1, d2 = self.need('workspace', 'device', 'device2')
            before = len(self.requests_seen)
            devices = list(api.devices.list(workspace_id=ws_id, org_id=org, max=1))
            pages = [r for r in self.requests_seen[before:] if r[0] == 'GET']
            ids = [d.device_id for d in devices]
            assert sorted(ids) == sorted([d1, d2]), f'listed {ids}'
            assert len(pages) >= 2, f'max=1 with 2 devices took {len(pages)} request(s): no Link rel="next"?'
            for _, url, _, link in pages:
                if link:
                    m = re.match(r'\s*<([^>]*)>', link)
                    assert m and re.match(r'https?://', m.group(1)), f'Link is not absolute: {link}'
            assert 'max=1' in pages[1][1], f'next URL lost max: {pages[1][1]}'
            for d in devices:
                assert d.workspace_id == ws_id, d
            by_mac = list(api.devices.list(mac=self.macs[0], org_id=org))
            assert [d.device_id for d in by_mac] == [d1], by_mac
            one = api.devices.details(device_id=d1, org_id=org)
            assert one.device_id == d1 and one.mac == self.macs[0], one
        self.check('7b. GET /devices?workspaceId=&max=1 follows absolute Link rel="next"; ?mac=; /devices/{id}',
                   paging)

        def workspace_devices():
            ws_id, d1, d2, model = self.need('workspace', 'device', 'device2', 'generic_model')
            devices = list(api.workspace_settings.devices.list(workspace_id=ws_id, org_id=org))
            assert sorted(d.device_id for d in devices) == sorted([d1, d2]), devices
            for d in devices:
                assert d.model == model and d.primary_owner is True, d
                assert d.device_type == PrimaryOrShared.primary, d.device_type
                assert d.owner and d.owner.owner_id == ws_id and d.owner.owner_type == UserType.place, d.owner
            assert {d.mac for d in devices} == {self.macs[0], self.macs[1]}, devices
            counts = api.workspace_settings.devices.list_and_counts(workspace_id=ws_id, org_id=org)
            assert sorted(d.device_id for d in counts.devices) == sorted([d1, d2]), counts
            assert counts.max_device_count == 5, f'professional workspace: maxDeviceCount {counts.max_device_count}'
        self.check('7c. GET /telephony/config/workspaces/{id}/devices (key devices, maxDeviceCount)',
                   workspace_devices)

        # -- activation code ------------------------------------------------------------------
        def activation_code():
            pid = self.need('person')
            r = api.devices.activation_code(person_id=pid, model=ctx.get('ac_model'), org_id=org)
            assert r.code, r
            now = datetime.datetime.now(datetime.timezone.utc)
            expiry = r.expiry_time if r.expiry_time.tzinfo else r.expiry_time.replace(tzinfo=datetime.timezone.utc)
            assert now < expiry <= now + datetime.timedelta(days=91), f'expiryTime {r.expiry_time}'
        self.check('POST /devices/activationCode (person)', activation_code)

        # -- 8. delete the device -------------------------------------------------------------
        def delete_device():
            dev_id = self.need('device')
            api.devices.delete(device_id=dev_id, org_id=org)
            detail = self.expect_error(404, lambda: api.devices.details(device_id=dev_id, org_id=org))
            assert detail.tracking_id
            r = api.telephony.devices.validate_macs(macs=[self.macs[0]], org_id=org)
            assert r.status == ValidationStatus.ok, f'MAC not released after delete: {r}'
            ctx['device'] = None
        self.check('8. DELETE /devices/{id}; then 404 with a Webex error body; MAC available again', delete_device)

        # -- 9. partner-managed device with password ------------------------------------------
        def partner_device():
            pid, model, pw = self.need('person', 'partner_model', 'password')
            dev = api.devices.create_by_mac_address(mac=self.macs[2], person_id=pid, model=model,
                                                    password=pw, org_id=org)
            self.assert_id('device', dev.device_id)
            assert dev.person_id == pid and dev.workspace_id is None, dev
            ctx['partner_device'] = dev.device_id
            d = api.telephony.devices.details(device_id=dev.device_id, org_id=org)
            assert d.managed_by == 'PARTNER', d.managed_by
            assert d.owner and d.owner.sip_user_name and d.owner.line_port, d.owner
            assert d.proxy and d.proxy.outbound_proxy, d.proxy
        self.check('9a. POST /devices partner-managed for a person, with password', partner_device)

        def partner_password():
            dev_id, loc_id = self.need('partner_device', 'location')
            new_pw = api.telephony.location.generate_password(location_id=loc_id, org_id=org)
            api.telephony.devices.update_third_party_device(device_id=dev_id, sip_password=new_pw, org_id=org)
            self.expect_error(400, lambda: api.telephony.devices.update_third_party_device(
                device_id=dev_id, sip_password='short', org_id=org))
        self.check('9b. PUT /telephony/config/devices/{id} {sipPassword}; a weak password is a 400', partner_password)

        # -- errors ---------------------------------------------------------------------------
        def errors():
            loc_id = self.need('location')
            detail = self.expect_error(400, lambda: api.workspaces.create(
                settings=Workspace(display_name='bad/name', location_id=loc_id), org_id=org))
            assert detail.errors[0].code == 4000, detail.errors
            self.expect_error(400, lambda: api.devices.create_by_mac_address(
                mac='not-a-mac', workspace_id=ctx.get('workspace') or 'x', model=ctx.get('generic_model') or 'x',
                org_id=org))
        self.check('errors: 400 bodies parse into wxc_sdk ErrorDetail (message, errors[], trackingId)', errors)

        # -- a workspace with only a name -----------------------------------------------------
        def named_workspace():
            orgs = self.need('orgs')
            name = f'wxc-e2e-nm-{self.run}'
            settings = Workspace.create(display_name=name)
            # wxc_sdk drops org_id from workspaces.create: the body is {"displayName": …} alone, so the
            # hub takes the token's organisation, or a provider's only customer, or answers 400 (orgId)
            own = ctx.get('me_org') or (orgs[0].org_id if len(orgs) == 1 else None)
            if own is None:
                detail = self.expect_error(400, lambda: api.workspaces.create(settings=settings, org_id=org))
                assert 'orgId' in detail.errors[0].description, detail.errors
                return
            ws = api.workspaces.create(settings=settings, org_id=org)
            ctx['named_workspace'] = ws.workspace_id
            self.assert_id('workspace', ws.workspace_id)
            assert ws.display_name == name and ws.org_id == own, ws
            assert ws.location_id is None, ws.location_id
            assert api.workspaces.details(ws.workspace_id).display_name == name
            api.workspaces.delete_workspace(ws.workspace_id)
            ctx['named_workspace'] = None
            self.expect_error(404, lambda: api.workspaces.details(ws.workspace_id))
        self.check('POST /workspaces {displayName} only: the token\'s organisation, or a 400 naming orgId '
                   'when a provider sees several', named_workspace)

        # -- numbers removal and clean-up -----------------------------------------------------
        def remove_number():
            loc_id = self.need('location', 'numbers_added')[0]
            api.telephony.location.number.remove(location_id=loc_id, phone_numbers=[self.numbers[2]], org_id=org)
            left = {n.phone_number for n in api.telephony.phone_numbers(location_id=loc_id, org_id=org)}
            assert self.numbers[2] not in left and self.numbers[1] in left, left
        self.check('DELETE /telephony/config/locations/{id}/numbers {phoneNumbers}', remove_number)

        self.cleanup(api)
        api.close()
        print(f'{self.passed} passed, {self.failed} failed')
        return 0 if self.failed == 0 else 1

    def cleanup(self, api: WebexSimpleApi) -> None:
        """Best effort; not counted. Reports what could not be removed."""
        org = self.org_id
        steps = []
        for key in ('partner_device', 'device2', 'device'):
            if self.ctx.get(key):
                steps.append((f'device {key}', lambda k=key: api.devices.delete(self.ctx[k], org_id=org)))
        for key in ('workspace', 'named_workspace'):
            if self.ctx.get(key):
                steps.append((key, lambda k=key: api.workspaces.delete_workspace(self.ctx[k])))
        for key in ('person', 'person2'):
            if self.ctx.get(key):
                steps.append((key, lambda k=key: api.people.delete_person(self.ctx[k])))
        if self.ctx.get('numbers_added') and self.ctx.get('location'):
            steps.append(('numbers', lambda: api.telephony.location.number.remove(
                self.ctx['location'], self.numbers[:2], org_id=org)))
        if self.ctx.get('tollfree_added') and self.ctx.get('location'):
            steps.append(('toll-free number', lambda: api.telephony.location.number.remove(
                self.ctx['location'], [self.tollfree], org_id=org)))
        if self.ctx.get('location'):
            steps.append(('location', lambda: api.locations.delete(self.ctx['location'], org_id=org)))
        for what, fn in steps:
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - clean-up only reports
                print(f'note: clean-up of {what} failed: {e}')


if __name__ == '__main__':
    sys.exit(Flow().main())
