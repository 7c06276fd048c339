# Patchbay 메시지 (ko) — 고객. 누락된 메시지는 영어로 대체됩니다.
# 이 파일의 모든 ID는 다른 메시지 파일과 충돌하지 않도록 cus- 또는 prov-로 시작합니다.

## 고객 목록 (CUS-4, CUS-6)
cus-col-name = 이름
cus-col-systemName = 시스템 이름
cus-col-customerId = 고객 ID
cus-col-profile = 프로필
cus-col-version = 버전
cus-col-alarms = 알람
cus-col-operators = 할당된 운영자
cus-col-tags = 태그
cus-col-notes = 메모
cus-col-status = 연결 상태
cus-col-connectivity = 연결 상태
cus-col-icons = 상태 아이콘
cus-alarms-link = 이 고객의 알람 보기
cus-icon-attention = 주의 필요
cus-icon-action-inProgress = 작업이 진행 중입니다. 다른 작업을 시작할 수 없습니다
cus-icon-action-completed = 마지막 작업이 완료되었습니다
cus-icon-action-failed = 마지막 작업이 실패했습니다
cus-operators-title = 수동 할당: { $logins }. 레이블로 할당된 계정은 세부 정보에 표시됩니다.
cus-operators-none = 할당된 계정이 없습니다.
cus-created = 고객이 추가되었습니다. 시스템 설정이 완료되면 연결 테스트를 실행하십시오.
cus-updated = 고객 정보가 업데이트되었습니다.
cus-deleted = 선택한 고객이 삭제되었습니다.
cus-yes = 예
cus-no = 아니요
cus-none = 없음

## 필터 (CUS-6)
cus-filter-connectivity = 연결 상태
cus-filter-status = 상태
cus-filter-tag = 태그
cus-filter-version = 버전
cus-filter-profile = 프로필
cus-filter-distributor = 총판
cus-filter-reseller = 리셀러
cus-filter-hasAlarms = 알람 있음
cus-filter-hide = 필터 숨기기

## 신호등 (SYS-2)
cus-light-green = 연결됨
cus-light-amber = 주의 필요
cus-light-red = 연결 안 됨

## 연결 상태 메시지 (SYS-3)
cus-status-authorisationFailed = 권한 부여 실패
cus-status-connectionFailed = 연결 실패
cus-status-connectionSuccessful = 연결 성공
cus-status-insufficientRights = 권한 부족
cus-status-invalidCredentials = 잘못된 자격 증명
cus-status-legacy = 레거시 시스템: 모니터링만 가능, 원격 서비스 없음
cus-status-tooManySessions = 동시 세션 수 초과
cus-status-newPasswordRequired = 서비스 계정에 새 비밀번호 필요
cus-status-noAuthorisationProvided = 권한 부여 없음(기능 제한)
cus-status-noUserRightsEnabled = 이 시스템에 활성화된 사용자 권한 없음
cus-status-remoteOperationsNotAllowed = 원격 작업 허용 안 됨
cus-status-readRightsNotEnabled = 서비스 모니터링 읽기 권한이 활성화되지 않음
cus-status-disabledByAdministrator = 관리자가 서비스 계정을 비활성화함
cus-status-temporarilyLocked = 서비스 계정이 일시적으로 잠김
cus-status-pendingConfirmation = 자동 등록됨: 확인 대기 중
cus-status-currentlyDisabled = 서비스 계정이 현재 비활성화됨
cus-status-passwordExpired = 서비스 비밀번호 만료됨
cus-status-unreachableNotPrimary = 시스템에 연결할 수 없거나 유효한 기본 시스템이 아님
cus-status-unreachableSince = { $duration } 전부터 시스템에 연결할 수 없거나 오프라인 상태
cus-status-upgradeRightsNotEnabled = 업그레이드 권한이 활성화되지 않음
cus-status-waitingForInitialConnection = 초기 연결 대기 중

## 세부 정보 (CUS-5)
cus-close = 닫기
cus-details-entry = 고객 항목
cus-field-address = 주소
cus-last-seen = 마지막 확인
cus-service-disabled = 서비스 계정 비활성화됨
cus-assigned = 할당된 계정
cus-assigned-manual = 수동 할당
cus-assigned-label = 레이블로 할당
cus-systems = 시스템 및 서버
cus-no-systems = 아직 연결된 시스템이 없습니다.
cus-no-servers = 시스템이 아직 서버 정보를 보고하지 않았습니다.
cus-system-connected = 현재 연결됨
cus-system-disconnected = 연결 안 됨
cus-server-name = 서버
cus-server-role = 역할
cus-server-state = 상태
cus-server-role-primary = 기본
cus-server-role-secondary = 보조
cus-server-role-expansion = 확장
cus-server-role-application = 애플리케이션 서버
cus-server-state-online = 온라인
cus-server-state-offline = 오프라인
cus-certificate = 시스템 인증서(이 허브가 발급)
cus-certificate-serial = 일련 번호
cus-certificate-names = 적용 대상
cus-certificate-expires = 만료일
cus-certificate-failure = 마지막 갱신 실패
cus-flags = 원격 작업
cus-flag-centralManagement = 중앙 관리
cus-flag-centralDiagnosticLogs = 중앙 진단 로그
cus-flag-remoteUpgradeBackup = 원격 업그레이드 및 백업
cus-flag-remoteAccess = 원격 액세스
cus-flag-colocatedServers = 공동 배치 서버
cus-flag-autoCertificateManagement = 자동 인증서 관리
cus-flag-phoneAutoProvisioning = 전화기 자동 프로비저닝

## 연결 테스트 (CUS-2)
cus-test = 연결 테스트
cus-test-ok = 연결 테스트에 성공했습니다. 시스템이 연결되어 인증되었습니다.
cus-test-failed = 연결 테스트 실패: { $reason }
cus-test-after-save = 저장한 후 고객을 열어 연결 테스트를 실행하십시오.

## 추가 / 편집 (CUS-1, CUS-2)
cus-add-title = 고객 추가
cus-edit-title = 고객 편집
cus-field-name = 이름
cus-field-customerId = 고객 ID
cus-customerId-hint = 원격 지원 주소에 사용됩니다. 영문 소문자, 숫자, 하이픈만 사용할 수 있습니다.
cus-customerId-locked = 고객 ID는 변경할 수 없습니다(환경 설정 참조).
cus-service-account = 서비스 계정(시스템이 연결할 때 사용)
cus-field-serviceUserName = 서비스 사용자 이름
cus-field-servicePassword = 서비스 비밀번호
cus-field-confirmServicePassword = 서비스 비밀번호 확인
cus-field-serviceDisabled = 서비스 계정 비활성화됨
cus-field-distributor = 총판
cus-field-reseller = 리셀러
cus-reseller-hint = 리셀러는 선택한 총판에 속해야 합니다.
cus-tags-hint = 최대 5개, 쉼표로 구분, 예: gold, north
cus-field-phone = 전화
cus-field-operators = 할당된 운영자
cus-operators-hint = 여러 개를 선택하려면 Ctrl(또는 ⌘) 키를 누른 채 선택하십시오. 레이블이 총판 또는 리셀러 이름과 같은 계정은 자동으로 할당됩니다.
cus-operators-kept = 그대로 유지되는 기타 할당 계정: { $logins }.
cus-rule-dns-label = DNS 레이블이어야 합니다. 영문 소문자, 숫자 또는 하이픈 1~63자이며, 하이픈으로 시작하거나 끝날 수 없습니다.
cus-rule-customer-id-fixed = 변경할 수 없습니다. 서버 환경 설정에서 고객 ID 변경을 허용하지 않습니다.
cus-rule-operator-not-yours = 본인이 생성하지 않은 계정이 포함되어 있습니다.
cus-rule-operator-invalid = 할당할 수 없는 계정이 포함되어 있습니다.
cus-rule-reseller-mismatch = 선택한 총판의 리셀러여야 합니다.
cus-rule-distributor-invalid = 알 수 없는 총판입니다.
cus-rule-password-mismatch = 서비스 비밀번호와 일치하지 않습니다.
cus-rule-not-allowed = 허용되지 않습니다.

## 삭제 (CUS-2)
cus-delete-title = 고객 삭제
cus-delete-confirm = 이 고객과 해당 시스템 및 알람을 삭제하시겠습니까? 이 작업은 취소할 수 없습니다.

## 총판 및 리셀러 (TEN-1)
prov-title = 총판 및 리셀러
prov-intro = 각 고객에는 총판과 해당 총판의 리셀러가 지정됩니다. 레이블이 총판 또는 리셀러 이름과 같은 계정에는 해당 고객이 자동으로 할당됩니다.
prov-distributor = 총판
prov-reseller = 리셀러
prov-customers = 고객
prov-name = 이름
prov-empty = 아직 총판이 없습니다.
prov-add-distributor = 총판 추가
prov-add-reseller = 리셀러 추가
prov-added = 추가되었습니다.
prov-deleted = 삭제되었습니다.
prov-distributor-in-use = 이 총판에는 아직 리셀러 또는 고객이 있습니다. 먼저 이동하거나 삭제하십시오.
prov-reseller-in-use = 이 리셀러에는 아직 고객이 있습니다. 먼저 이동하거나 삭제하십시오.
cus-list-none = 아직 고객이 없습니다.

# Jobs (JOB-3, JOB-4, BKP-1, SYS-6): why a request on jobs is refused.
jobs-refused-immediate = 즉시 시작한 작업은 일시 중지, 재개 또는 중지할 수 없습니다.
jobs-refused-in-progress = 진행 중인 작업은 삭제할 수 없습니다.
jobs-refused-not-scheduled = 시작되지 않은 예약 작업만 일시 중지할 수 있습니다.
jobs-refused-not-paused = 일시 중지된 작업만 재개할 수 있습니다.
jobs-refused-ended = 작업이 끝났습니다. 다시 실행할 수 없습니다.
jobs-refused-no-system = 선택한 고객 중 허브에 알려진 시스템이 아직 없는 고객이 있습니다.
jobs-refused-backup-disabled = 선택한 시스템에서 원격 업그레이드/백업이 비활성화되어 있습니다.
jobs-refused-logs-disabled = 선택한 시스템에서 중앙 진단 로그가 비활성화되어 있습니다.
jobs-refused-busy = 선택한 시스템에서 다른 작업이 실행 중입니다. 시스템마다 한 번에 하나의 작업만 실행할 수 있습니다.
jobs-refused-role = 선택한 작업 중 일부는 현재 역할로 변경할 수 없습니다.
prov-enrolment = 자동 등록
prov-enrolment-make = 등록 자격 증명 만들기
prov-enrolment-rotate = 자격 증명 교체
prov-enrolment-made-on = 자격 증명 생성일 { $date }
prov-enrolment-auto-on = 새 시스템 자동 확인됨(끄기)
prov-enrolment-auto-off = 새 시스템은 확인 대기(자동 확인)
prov-enrolment-made = 등록 자격 증명을 만들었습니다. 이전 자격 증명은 더 이상 작동하지 않습니다.
prov-enrolment-once = 지금 이 자격 증명을 복사하십시오. 한 번만 표시됩니다. 공급자의 시스템에 제공하십시오(patchbay-agent run --enrolment-file).
prov-enrolment-saved = 등록 기본 설정을 저장했습니다.
cus-enrolment-pending = 이 고객은 스스로 등록한 시스템이 추가했습니다. 확인할 때까지 시스템 연결이 거부되며 원격 작업도 없습니다.
cus-enrolment-confirm = 고객 확인
cus-enrolment-confirmed = 고객을 확인했습니다. 시스템이 다음 시도에서 완전히 연결됩니다.
