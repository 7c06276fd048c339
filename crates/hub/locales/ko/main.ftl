# Patchbay 콘솔 및 API 메시지 — 한국어. 누락된 메시지는 영어로 대체됩니다.

## 로그인 (OPR-3, OPR-4)
login-title = Patchbay 로그인
login-submit = 로그인
login-invalid = 로그인 이름 또는 비밀번호가 올바르지 않습니다.
login-disabled = 이 계정은 비활성화되어 있습니다. 관리자에게 활성화를 요청하십시오.
login-expired = 이 계정은 만료되어 비활성화되었습니다. 관리자에게 활성화를 요청하십시오.
login-blocked = 로그인 실패 횟수가 너무 많습니다. 이 로그인 이름은 { $minutes }분 동안 차단됩니다.
login-form-expired = 로그인 양식이 만료되었습니다. 다시 시도하십시오.
login-password-changed = 비밀번호가 변경되었습니다. 새 비밀번호로 로그인하십시오.
login-session-expired = 일정 시간 동안 활동이 없어 세션이 종료되었습니다.
login-account-disabled = 계정이 비활성화되어 있습니다.

## 최초 로그인
terms-title = 이용 약관
terms-text = 이 콘솔을 통해 고객의 전화 시스템과 해당 자격 증명에 액세스할 수 있습니다. 권한이 부여된 작업에만 사용하십시오. 모든 작업은 사용자 이름 및 주소와 함께 기록됩니다.
terms-licence = Patchbay는 Apache License 2.0에 따라 제공되는 오픈 소스 소프트웨어이며, 어떠한 종류의 보증도 제공하지 않습니다.
terms-accept = 동의합니다
terms-decline = 거부하고 로그아웃
password-title = 비밀번호 변경
password-forced = 계속하려면 새 비밀번호를 설정해야 합니다.
password-policy = 9~31자이며 대문자, 소문자, 숫자, 특수 문자 중 두 가지 이상을 포함해야 합니다. 이전 비밀번호는 다시 사용할 수 없습니다.
password-submit = 비밀번호 변경
password-keep-blank = 현재 비밀번호를 유지하려면 비워 두십시오.
password-relogin = 변경 후에는 다시 로그인해야 합니다.

## 메뉴 (DSH-2)
menu-label = 주 메뉴
skip-to-content = 본문으로 건너뛰기
menu-dashboard = 대시보드
menu-views = 보기
menu-customers = 고객
menu-alarms = 알람
menu-jobs = 예약된 작업
menu-repository = 소프트웨어 리포지토리
menu-files = 파일 관리
menu-applications = 애플리케이션
menu-admin-tools = 관리 도구 다운로드
menu-proxytunnel = ProxyTunnel 유틸리티 다운로드
menu-appcentre = 애플리케이션 센터
menu-settings = 설정
menu-accounts = 계정 관리
menu-proxy-accounts = 유지 관리 프록시 계정
menu-certificates = 인증서
menu-preferences = 환경 설정
menu-help = 도움말
menu-about = 정보
menu-profile = 프로필
menu-logout = 로그아웃
read-only-mode = 읽기 전용 모드: 탐색, 필터링, 검색 및 본인 프로필 변경만 할 수 있습니다.

## 페이지
dashboard-empty-title = 아직 표시할 항목이 없습니다
dashboard-empty-text = 고객 시스템이 연결되면 대시보드에 연결 상태별 고객, 심각도 및 유형별 알람, 태그, 소프트웨어 버전이 표시됩니다.
back-to-dashboard = 대시보드로 돌아가기
about-version = 버전
about-build = 빌드
about-database = 데이터베이스
about-started = 실행 시작 시각
help-intro = Patchbay 사용자 가이드는 설치 디렉터리의 docs 폴더에 포함되어 있습니다. API는 OpenAPI 문서에 설명되어 있습니다.
help-openapi = API 참조 (OpenAPI)
never = 없음

## 계정 (OPR-8)
accounts-created = 계정이 생성되었습니다.
accounts-updated = 계정이 업데이트되었습니다.
accounts-deleted = 선택한 계정이 삭제되었습니다.
accounts-add-title = 계정 추가
accounts-edit-title = 계정 편집
accounts-delete-title = 계정 삭제
accounts-delete-confirm = 이 계정을 삭제하시겠습니까? 이 작업은 취소할 수 없습니다.
labels-hint = 쉼표로 구분, 예: north, reseller-a
timeout-default = 서버 기본값
action-add = 추가
action-search = 검색
action-filter = 필터
action-apply = 적용
action-clear = 지우기
action-edit = 편집
action-delete = 삭제
action-select-all = 모두 선택
action-update = 업데이트
action-save = 저장
action-cancel = 취소
action-confirm = 확인
filter-any = 전체
filter-active = 활성 필터
list-total = 합계: { $count }
accounts-none = 아직 계정이 없습니다.
list-empty = 일치하는 항목이 없습니다.
outbox-none = 아직 보낸 이메일이 없습니다.
pager-label = 페이지
pager-prev = 이전
pager-next = 다음
pager-size = 페이지당 항목 수

## 역할
role-administrator = 관리자
role-support = 지원
role-supervisor = 감독자
role-operator = 운영자
role-read-only = 읽기 전용
role-customer-admin = 고객 관리자

## 프로필 (OPR-7)
profile-summary = 내 설정
profile-name = 이름
profile-avatar = 아바타
profile-no-avatar = 아직 아바타가 없습니다.
profile-upload = 업로드

## 환경 설정 (PRF)
preferences-saved = 환경 설정이 저장되었습니다.
security-unrestricted = 제한 없음
security-medium = 중간 (신뢰할 수 있는 체인)
security-high = 높음 (신뢰할 수 있는 체인 및 이름 일치)
banner-html-hint = 기본 HTML만 사용할 수 있습니다: 제목, 단락, 굵게, 기울임꼴, 밑줄. 그 밖의 요소는 제거됩니다.

## 필드 이름
field-loginName = 로그인 이름
field-password = 비밀번호
field-confirmPassword = 비밀번호 확인
field-oldPassword = 현재 비밀번호
field-newPassword = 새 비밀번호
field-language = 언어
field-role = 역할
field-labels = 레이블
field-firstName = 이름
field-lastName = 성
field-phoneNumber = 전화번호
field-mobile = 휴대폰
field-email = 이메일
field-sessionTimeoutMinutes = 세션 시간 제한(분)
field-kioskMode = 키오스크 모드
field-readOnlyMode = 읽기 전용 모드
field-disabled = 계정 비활성화됨
field-forcePasswordChange = 다음 로그인 시 새 비밀번호 설정 강제
field-expiryEnabled = 계정 만료 사용
field-expiresOn = 만료 날짜
field-customerId = 고객
field-avatar = 아바타
field-passwordHistoryCount = 비밀번호 기록
field-securityLevel = 보안 수준
field-logLevel = 서버 로그 수준
field-systemName = 시스템 이름
field-logRetentionDays = CPE 진단 로그 보존 기간(일)
field-sessionRetentionDays = 원격 지원 세션 보존 기간(일)
field-securityBanner = 보안 배너
field-bannerEnabled = 로그인 페이지에 보안 배너 표시
field-securityBanner-title = 배너 제목
field-securityBanner-description = 배너 텍스트
field-clientLogging = 클라이언트 로깅
field-allowDowngrades = 다운그레이드 허용
field-allowCustomerIdChange = 시스템의 고객 ID 변경 허용
field-sortBy = 정렬 열
field-sortOrder = 정렬 순서

## 유효성 검사 규칙
rule-required = 필수 항목입니다.
rule-max-length = 최대 { $max }자까지 입력할 수 있습니다.
rule-length-between = { $min }~{ $max }자여야 합니다.
rule-combined-max-length = 이름과 합쳐 공백을 포함하여 최대 { $max }자까지 입력할 수 있습니다.
rule-digits = 숫자만 최대 { $max }자리까지 입력할 수 있습니다.
rule-email = 이메일 주소여야 합니다.
rule-one-of = 다음 중 하나여야 합니다: { $allowed }.
rule-step-range = { $min }에서 { $max } 사이의 { $step } 단위 값이어야 합니다.
rule-range = { $min }에서 { $max } 사이의 값이어야 합니다.
rule-login-chars = 문자, 숫자 및 . _ - @만 사용할 수 있습니다(공백 불가).
rule-taken = 이미 사용 중입니다.
rule-password-classes = 대문자, 소문자, 숫자, 특수 문자 중 두 가지 이상을 포함해야 합니다.
rule-password-reused = 최근 { $count }개의 비밀번호와 달라야 합니다.
rule-password-mismatch = 새 비밀번호와 일치하지 않습니다.
rule-password-wrong = 현재 비밀번호와 일치하지 않습니다.
rule-not-for-role = { $role } 역할에는 사용할 수 없습니다.
rule-date-in-past = 미래 날짜여야 합니다(또는 계정을 비활성화하십시오).
rule-date = 날짜 형식(YYYY-MM-DD)이어야 합니다.
rule-image-type = PNG, JPEG 또는 GIF 이미지여야 합니다.
rule-image-too-large = 최대 { $max } KiB까지 허용됩니다.
rule-label-not-assigned = { $label }은(는) 본인에게 할당된 레이블이 아닙니다.
rule-too-many = 최대 { $max }개까지 입력할 수 있습니다.
rule-invalid = 유효하지 않습니다.
rule-control-characters = 제어 문자(NUL, 이스케이프 시퀀스, 줄 바꿈)를 포함할 수 없습니다.
rule-unknown = 여기에서 허용되지 않습니다(허용: { $allowed }).
rule-unsupported = Patchbay가 지원하지 않는 Webex 옵션입니다.

## 오류
error-validation = 일부 필드가 유효하지 않습니다.
error-conflict = 요청이 현재 상태와 충돌합니다.
error-rate-limited = 시도 횟수가 너무 많습니다.
error-retry-after = { $seconds }초 후에 다시 시도하십시오.
error-unauthorized = 인증이 필요합니다.
error-unauthorized-detail = 로그인하거나 유효한 Bearer 토큰을 보내십시오.
error-forbidden = 접근 거부
error-forbidden-detail = 현재 역할로는 이 페이지 또는 작업에 접근할 수 없습니다.
error-not-found = 찾을 수 없음
error-not-found-detail = 페이지 또는 리소스가 존재하지 않거나 볼 수 있는 권한이 없습니다.
error-malformed = 요청을 읽을 수 없습니다.
error-internal = 내부 오류
error-internal-detail = 서버가 요청을 처리하지 못했습니다. 관리자에게 추적 ID를 알려 주십시오.
error-method-not-allowed = 허용되지 않는 메서드
error-method-not-allowed-detail = 이 경로는 이 메서드를 지원하지 않습니다. /v1/openapi.json 문서에서 지원하는 메서드를 확인하십시오.
error-too-large = 요청 본문이 너무 큽니다
error-too-large-detail = 요청 본문은 { $bytes }바이트로 제한됩니다.
error-uri-too-long = URI가 너무 깁니다
error-uri-too-long-detail = URL은 { $bytes }바이트로 제한됩니다.
conflict-own-account = 본인 계정을 비활성화하거나 본인 역할을 변경할 수 없습니다.
conflict-last-admin = 마지막으로 남은 활성 관리자는 비활성화, 강등 또는 삭제할 수 없습니다.
conflict-delete-self = 본인 계정은 삭제할 수 없습니다.

## 구독 이메일 (CUS-7) 및 보낼 편지함
email-title = 구독 이메일 보내기
email-confirm = 이 시스템들의 연결 정보를 각 고객의 연락처 주소로 보내시겠습니까? 서비스 비밀번호는 포함되지 않습니다.
email-none = 이메일 주소 없음
email-queued = 이메일 { $count }건이 대기열에 추가되었습니다.
email-skipped = 보내지 않음(연락처 주소 없음):
email-language = 이메일 언어
mail-subscription-subject = { $name }의 Patchbay 연결 정보
mail-subscription-body =
    안녕하세요.

    Patchbay 운영 허브에 연결할 { $name } 전화 시스템의 연결 정보입니다.

    허브 주소: { $address }
    고객 ID: { $customerId }
    서비스 사용자 이름: { $serviceUser }
    허브 인증서 SHA-256 지문: { $fingerprint }

    서비스 비밀번호는 이메일로 보내지 않으며, 공급자가 별도로 알려 드립니다.

    시스템을 연결하려면 시스템에 patchbay-agent를 설치하고 다음을 실행하세요.

    { $command }

    연결은 밖으로 나가는 방향으로만 이루어지며, 네트워크로 들어오는 접근은 필요하지 않습니다.
outbox-title = 보낼 편지함
outbox-smtp = 메일은 구성된 SMTP 릴레이를 통해 전달됩니다.
outbox-kept = SMTP 릴레이가 구성되어 있지 않아 메일이 여기에 보관됩니다.
outbox-when = 생성 시각
outbox-to = 받는 사람
outbox-subject = 제목
outbox-status = 상태
menu-outbox = 보낼 편지함
rule-dns-label = a-z, 0-9 및 -만 사용할 수 있습니다(최대 63자, -로 시작하거나 끝날 수 없음).
rule-not-allowed = 변경할 수 없습니다.
conflict-provider-in-use = 총판 또는 리셀러에 아직 리셀러나 고객이 있습니다.
conflict-client-logging-off = 클라이언트 로깅이 꺼져 있습니다(환경 설정).
conflict-not-pending = 이 고객은 확인을 기다리고 있지 않습니다.
