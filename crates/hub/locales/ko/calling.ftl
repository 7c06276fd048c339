# Patchbay 메시지 (ko) — 통화 프로비저닝 콘솔(SPEC §15, RBAC-5).
calling-menu = 통화
calling-menu-devices = 장치
calling-menu-people = 사용자
calling-menu-workspaces = 작업 공간
calling-menu-locations = 위치
calling-menu-numbers = 번호
calling-back-home = 장치 목록으로 돌아가기
calling-org = 조직
calling-org-switch = 전환
calling-org-more = 다른 조직…
calling-pick-title = 조직 선택
calling-pick-intro = 통화 프로비저닝은 한 번에 하나의 고객 조직을 대상으로 합니다. 조직을 선택하십시오.
calling-pick-none = 사용할 수 있는 고객 조직이 없습니다.
calling-pick-more = 일치하는 조직이 더 있습니다. 검색 조건을 구체화하십시오.
calling-none = 없음
calling-next = 다음
calling-back = 뒤로
calling-copy = 복사
calling-full = 가득 참
calling-search-more = 일치하는 항목이 더 있습니다. 검색 조건을 구체화하십시오.

# 열 및 필드
calling-col-name = 이름
calling-col-owner = 소유자
calling-col-model = 모델
calling-col-mac = MAC 주소
calling-col-sipUserName = SIP 사용자 이름
calling-col-status = 상태
calling-col-created = 생성일
calling-col-devices = 장치
calling-col-port = 포트
calling-col-member = 사용자 또는 작업 공간
calling-col-lineType = 회선
calling-col-state = 상태
calling-col-assignedTo = 할당 대상
calling-field-email = 이메일
calling-field-firstName = 이름
calling-field-lastName = 성
calling-field-displayName = 표시 이름
calling-field-licence = 통화 라이선스
calling-field-location = 위치
calling-field-extension = 내선 번호
calling-field-phoneNumber = 전화번호
calling-field-workspaceName = 작업 공간 이름
calling-field-roomType = 공간 유형
calling-field-capacity = 수용 인원
calling-field-kind = 장치 종류
calling-field-vendor = 제조사
calling-field-deviceType = 장치 유형
calling-field-sipPassword = SIP 비밀번호
calling-field-linePort = 회선/포트
calling-field-outboundProxy = 아웃바운드 프록시
calling-field-registrar = 등록 서버 도메인
calling-field-timeZone = 시간대
calling-field-preferredLanguage = 기본 언어
calling-field-announcementLanguage = 안내 방송 언어
calling-field-address1 = 주소 1
calling-field-address2 = 주소 2
calling-field-city = 시/군/구
calling-field-state = 시/도
calling-field-postalCode = 우편번호
calling-field-country = 국가
calling-field-numberType = 번호 유형
calling-field-assigned = 할당 여부
calling-address = 주소
calling-country-hint = 두 글자 ISO 3166 코드입니다(예: FR, GB, US).
calling-display-name-hint = 비워 두면 이름과 성이 사용됩니다.

# 라이선스
calling-licences = 통화 라이선스
calling-licence-total = 합계
calling-licence-consumed = 할당됨
calling-licence-professional = 프로페셔널
calling-licence-basic = 베이직
calling-licence-workspaces = 작업 공간(공용 공간)
calling-licence-none = 통화 라이선스 없음
calling-wlicence-professional = 프로페셔널(장치 최대 5대)
calling-wlicence-commonArea = 공용 공간(장치 1대)
calling-wlicence-hint = 프로페셔널 작업 공간에는 장치를 최대 5대, 공용 공간 작업 공간에는 정확히 1대 둘 수 있습니다.

# 장치
calling-device-add = 장치 추가
calling-device-add-another = 다른 장치 추가
calling-devices-search = 소유자, 모델 또는 MAC으로 검색
calling-device-created = 장치가 추가되었습니다.
calling-device-deleted = 장치가 삭제되었습니다. 실제 장치에서 SIP 등록 정보를 제거하십시오.
calling-device-delete-title = 장치 삭제
calling-device-delete-confirm = 장치와 해당 회선이 삭제됩니다. 실제 장치에서 SIP 등록 정보(사용자 이름, 비밀번호, 등록 서버)를 제거하십시오. 그렇지 않으면 장치가 계속 등록을 시도합니다.
calling-no-devices = 아직 장치가 없습니다.
calling-kind-customer = 고객 관리 장치
calling-kind-customer-hint = 직접 구성하는 타사 SIP 전화기, 어댑터 또는 게이트웨이. 모든 SIP-TLS 1.2 장치에 사용할 수 있는 일반 SIP 전화기(Generic SIP phone) 및 일반 SIP 게이트웨이(Generic SIP gateway) 프로필 포함
calling-kind-partner = 파트너 관리 장치
calling-kind-partner-hint = 서비스 제공업체의 승인 목록에 있는 장치 유형. SIP 비밀번호는 직접 입력
calling-kind-fax = 팩스 서비스
calling-kind-fax-hint = 팩스 회선. MAC 주소는 자동 생성됨
calling-vendor-any = 모든 제조사
calling-model-hint = 제조사를 선택한 다음 모델을 선택하십시오. 일반 SIP 전화기(Generic SIP phone)와 일반 SIP 게이트웨이(Generic SIP gateway)는 모든 SIP-TLS 1.2 장치에 사용할 수 있습니다.
calling-ports = 포트 { $ports }개
calling-mac-hint = 16진수 12자리이며, 구분 기호는 있어도 되고 없어도 됩니다(00:1A:2B:3C:4D:5E, 001A.2B3C.4D5E, 001A2B3C4D5E).
calling-mac-generated = 자동 생성
calling-fax-hint = 팩스 서비스에는 자동 생성된 임시 MAC 주소가 부여되며, 이 주소는 변경할 수 없습니다.
calling-sip-password-hint = 16자 이상이어야 하며 대문자, 소문자, 숫자와 * _ - + = 중 하나를 포함해야 합니다. 같은 문자를 세 번 연속으로 사용할 수 없습니다.
calling-disclaimer = 고객이 이 SIP 자격 증명을 소유하고 있으며, 이 자격 증명을 이용한 통화 요금 사기에 대해 책임이 있음을 확인합니다.
calling-step-usage = 용도
calling-step-device = 장치
calling-step-credentials = 자격 증명
calling-usage-personal = 개인용
calling-usage-personal-hint = 한 사용자에게 속한 장치
calling-usage-shared = 공용
calling-usage-shared-existing = 공용, 기존 작업 공간
calling-usage-shared-existing-hint = 이미 존재하는 회의실 또는 공간
calling-usage-shared-new = 공용, 새 작업 공간
calling-usage-shared-new-hint = 장치와 함께 작업 공간이 생성됨
calling-usage-person = 사용자
calling-usage-workspace = 작업 공간
calling-person-search = 이름 또는 이메일로 검색
calling-workspace-new = 새 작업 공간
calling-workspace-change = 작업 공간 변경
calling-owner-change = 다른 소유자 선택
calling-owner-gone = 선택한 사용자 또는 작업 공간이 이 조직에 더 이상 존재하지 않습니다.
calling-workspace-full = 이 작업 공간은 장치 한도에 도달했습니다.
calling-workspace-no-licence = 이 작업 공간에는 통화 라이선스가 없으므로 장치를 둘 수 없습니다.
calling-credentials-title = 새 장치의 SIP 자격 증명
calling-credentials-once = 비밀번호는 이 페이지에서만 표시됩니다. 지금 복사하거나 CSV를 다운로드하십시오. 이후에는 가려지며 재설정만 할 수 있습니다.
calling-credentials-csv = CSV 다운로드
calling-credentials-csv-hint = 파일은 이 페이지에서 생성되며, 허브는 비밀번호를 평문으로 보관하지 않습니다.
calling-credentials-done = 장치로 이동
calling-password-masked = SIP 비밀번호는 장치를 추가하거나 비밀번호를 재설정할 때 한 번만 표시됩니다.
calling-password-reset = SIP 비밀번호 재설정
calling-password-update = 비밀번호 업데이트
calling-password-reset-confirm = 새 SIP 비밀번호가 현재 비밀번호를 대체합니다. 이후 실제 장치를 새 비밀번호로 구성해야 하며, 그렇지 않으면 장치의 등록이 중단됩니다.
calling-password-partner-hint = 비밀번호를 자동 생성하려면 비워 두고, 그렇지 않으면 파트너 관리 장치가 사용하는 비밀번호를 입력하십시오.
calling-password-new-title = 새 SIP 비밀번호
calling-password-changed = SIP 비밀번호가 교체되었습니다.
calling-status-connected = 등록됨
calling-status-disconnected = 오프라인
calling-status-activating = 활성화 중
calling-status-offline_expired = 활성화 코드 만료됨
calling-status-connected_with_issues = 등록됨(문제 있음)
calling-status-unknown = 알 수 없음

# 회선 (DEV-6)
calling-lines-title = 회선
calling-lines-configure = 회선 구성
calling-lines-ports = 이 모델에는 포트가 { $ports }개 있습니다.
calling-lines-used = 사용 중인 포트 { $used }개
calling-lines-shared-note = 공유 회선은 첫 번째 회선의 SIP 사용자 이름, 비밀번호 및 아웃바운드 프록시를 재사용합니다.
calling-lines-add-title = 공유 회선 추가
calling-line-add = 추가
calling-line-added = 회선이 추가되었습니다.
calling-line-remove = 제거
calling-lines-remove-all = 모든 공유 회선 제거
calling-lines-removed = 회선이 제거되었습니다. 실제 장치에서도 해당 SIP 정보를 제거하십시오.
calling-lines-full = 이 모델의 모든 포트가 사용 중이므로 회선을 추가할 수 없습니다.
calling-lines-not-configurable = 회선은 포트가 2개 이상인 고객 관리 장치에서만 구성할 수 있습니다.
calling-lines-member-invalid = 해당 사용자 또는 작업 공간은 이 장치에 추가할 수 없습니다.
calling-lines-member-taken = 해당 사용자 또는 작업 공간은 이미 이 장치에 회선이 있습니다.
calling-line-primary = 기본(소유자)
calling-line-shared = 공유 회선
calling-members-search = 사용자 및 작업 공간 검색

# 사용자
calling-person-add = 사용자 추가
calling-person-edit = 사용자 편집
calling-person-created = 사용자가 추가되었습니다.
calling-person-updated = 사용자 정보가 업데이트되었습니다.
calling-person-deleted = 사용자가 삭제되었습니다.
calling-person-delete-title = 사용자 삭제
calling-person-delete-confirm = 사용자와 해당 장치 { $count }대가 삭제되며, 사용하던 라이선스, 내선 번호 및 전화번호는 해제됩니다.

# 작업 공간
calling-workspace-add = 작업 공간 추가
calling-workspace-edit = 작업 공간 편집
calling-workspace-created = 작업 공간이 추가되었습니다.
calling-workspace-updated = 작업 공간이 업데이트되었습니다.
calling-workspace-deleted = 작업 공간이 삭제되었습니다.
calling-workspace-delete-title = 작업 공간 삭제
calling-workspace-delete-confirm = 작업 공간과 해당 장치 { $count }대가 삭제되며, 사용하던 라이선스, 내선 번호 및 전화번호는 해제됩니다.
calling-workspace-name-hint = 최대 30자이며 % # < > / \ " 문자는 사용할 수 없습니다.
calling-room-notSet = 설정 안 됨
calling-room-focus = 집중 업무실
calling-room-huddle = 소회의실
calling-room-meetingRoom = 회의실
calling-room-open = 개방형 공간
calling-room-desk = 데스크
calling-room-other = 기타

# 위치
calling-location-add = 위치 추가
calling-location-edit = 위치 편집
calling-location-created = 위치가 추가되었습니다.
calling-location-updated = 위치가 업데이트되었습니다.
calling-location-deleted = 위치가 삭제되었습니다.
calling-location-delete-title = 위치 삭제
calling-location-delete-confirm = 위치와 해당 위치의 할당되지 않은 번호가 삭제됩니다. 사용자나 작업 공간이 사용 중인 위치는 삭제할 수 없습니다.
calling-no-locations = 아직 위치가 없습니다.
calling-language-en_us = 영어(미국)
calling-language-en_gb = 영어(영국)
calling-language-fr_fr = 프랑스어(프랑스)
calling-language-fr_ca = 프랑스어(캐나다)
calling-language-ro_ro = 루마니아어
calling-language-ko_kr = 한국어
calling-language-uk_ua = 우크라이나어
calling-language-de_de = 독일어
calling-language-es_es = 스페인어
calling-language-it_it = 이탈리아어
calling-language-nl_nl = 네덜란드어
calling-language-pt_br = 포르투갈어(브라질)

# 번호 (NUM-1)
calling-numbers-add = 번호 추가
calling-numbers-added = 번호가 추가되었습니다.
calling-numbers-removed = 번호가 제거되었습니다.
calling-numbers-remove = 선택 항목 제거
calling-numbers-remove-title = 번호 제거
calling-numbers-remove-confirm = 할당되지 않은 이 번호들이 해당 위치에서 제거됩니다.
calling-numbers-list = 번호
calling-numbers-hint = E.164 번호(+ 및 국가 코드)를 쉼표 또는 줄 바꿈으로 구분하여 입력하십시오. 모든 번호가 추가되거나, 하나도 추가되지 않습니다.
calling-numbers-invalid = 다음은 E.164 번호가 아니므로 아무것도 추가되지 않았습니다: { $numbers }
calling-numbers-taken = 이 번호 중 하나 이상이 이미 플랫폼에 존재하므로 아무것도 추가되지 않았습니다.
calling-number-fixed = 유선
calling-number-mobile = 모바일
calling-number-tollfree = 수신자 부담
calling-number-active = 활성
calling-number-inactive = 비활성
calling-number-hint = 선택한 위치의 할당되지 않은 번호만 지정할 수 있습니다.
calling-assigned-yes = 할당됨
calling-assigned-no = 미할당

# 필드 규칙
calling-rule-mac = MAC 주소가 아닙니다. 브로드캐스트 또는 멀티캐스트가 아닌 16진수 12자리여야 합니다.
calling-rule-mac-taken = 이미 다른 장치에서 사용 중입니다.
calling-rule-sip-password = 16자 이상이어야 하며 대문자, 소문자, 숫자와 * _ - + = 중 하나를 포함해야 합니다. 같은 문자를 세 번 연속으로 사용할 수 없으며 SIP 사용자 이름을 포함할 수 없습니다.
calling-rule-disclaimer = 선택해야 합니다. 고객이 자격 증명을 소유하며 통화 요금 사기에 대한 책임을 집니다.
calling-rule-workspace-name = % # < > / \ " 문자를 포함할 수 없습니다.
calling-rule-extension = 2~10자리 숫자여야 합니다.
calling-rule-extension-taken = 이 위치에서 이미 사용 중입니다.
calling-rule-number = E.164 번호(+ 및 국가 코드)여야 합니다.
calling-rule-number-taken = 선택한 위치의 사용 가능한 번호가 아닙니다.
calling-rule-location-needed = 내선 번호 또는 전화번호를 지정하려면 필수입니다.
calling-rule-time-zone = 알 수 없는 시간대입니다(예: Europe/Paris).
calling-rule-country = 두 글자 ISO 3166 코드여야 합니다.

# 충돌 (API 오류 메시지 현지화에도 사용됨)
conflict-licence-professional = 남은 프로페셔널 통화 라이선스가 없습니다. 모든 라이선스가 할당되었습니다. 서비스 제공업체에 추가 라이선스를 요청하거나 라이선스 하나를 해제하십시오.
conflict-licence-basic = 남은 베이직 통화 라이선스가 없습니다. 모든 라이선스가 할당되었습니다. 서비스 제공업체에 추가 라이선스를 요청하거나 라이선스 하나를 해제하십시오.
conflict-licence-workspaces = 남은 작업 공간 통화 라이선스가 없습니다. 모든 라이선스가 할당되었습니다. 서비스 제공업체에 추가 라이선스를 요청하거나 라이선스 하나를 해제하십시오.
conflict-location-in-use = 사용자 또는 작업 공간이 아직 이 위치를 사용하고 있습니다. 먼저 이동하거나 삭제하십시오.
conflict-number-in-use = 이 번호는 사용자 또는 작업 공간에 할당되어 있습니다. 먼저 할당을 해제하십시오.
conflict-workspace-device-limit = 작업 공간에 통화 라이선스가 허용하는 최대 수의 장치가 이미 있습니다(프로페셔널: 5대, 공용 공간: 1대).
conflict-workspace-no-licence = 작업 공간에 통화 라이선스가 없으므로 장치를 둘 수 없습니다.
conflict-workspace-licence-devices = 작업 공간의 장치 수가 해당 라이선스에서 허용하는 수보다 많습니다. 먼저 장치를 제거하십시오.
conflict-model-in-use = 이 모델을 사용하는 장치가 아직 있으므로 제거할 수 없습니다.
calling-devices-none = 아직 장치가 없습니다.
calling-numbers-none = 아직 번호가 없습니다. 조직의 번호를 추가한 후 할당하세요.
calling-lines-no-candidates = 이 장치에 추가할 사용자나 작업 공간이 더 이상 없습니다.
calling-people-none = 아직 사용자가 없습니다.
calling-workspaces-none = 아직 작업 공간이 없습니다.
calling-locations-none = 아직 위치가 없습니다. 통화 설정은 위치부터 시작합니다.

# SIP-3: registration of each line
calling-col-lineUser = SIP 사용자
calling-col-registration = 등록
calling-reg-registered = 등록됨
calling-reg-not = 등록되지 않음
calling-col-lastRegistration = 마지막 등록
calling-col-regExpires = 만료
calling-col-regSource = 출발지 주소
calling-col-userAgent = 사용자 에이전트
calling-reg-contacts = 연락처: { $n }

# PRV-2 / PRV-3: provisioning credentials and the last fetch
calling-field-provUser = 프로비저닝 사용자
calling-field-provPassword = 프로비저닝 비밀번호
calling-field-provisioned = 구성 파일 가져옴
