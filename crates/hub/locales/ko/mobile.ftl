# 모바일 회선 (WGO-1 … WGO-5)
rule-mobile-licence = 모바일 회선에는 프로페셔널 통화 라이선스가 필요합니다.
rule-mobile-country = 모바일 회선이 제공되는 국가({ $allowed }) 중 한 곳의 위치에 있어야 합니다.
rule-mobile-subscription = 남은 모바일 회선이 있는 구독이 없습니다. 공급자에게 추가를 요청하십시오.
conflict-mobile-activated = 모바일 회선이 이미 활성화되어 새 코드가 필요하지 않습니다.
mail-activation-subject = { $name }님의 모바일 회선 활성화 코드
mail-activation-body =
    { $name }님, 안녕하세요.

    모바일 회선이 준비되었습니다. 소프트폰에서 다음 코드로 활성화하십시오.

    { $code }

    이 코드는 한 번만 사용할 수 있으며 { $expires }까지 유효합니다.
    활성화 주소: { $url }

    이 메시지를 예상하지 못했다면 무시하십시오. 회선은 비활성 상태로 유지됩니다.
calling-menu-mobile = 모바일 회선
mobile-subscriptions = 모바일 회선이 포함된 구독
mobile-subscription = 구독
mobile-total = 회선
mobile-consumed = 사용됨
mobile-no-subscriptions = 이 조직에는 모바일 회선이 포함된 구독이 없습니다. 공급자가 고객 페이지에서 부여합니다.
mobile-countries = 모바일 회선은 다음 국가에 위치한 사람에게 제공됩니다: { $countries }.
mobile-suppress-legend = 사용자에게 보내는 이메일
mobile-suppress-label = 이메일 보내지 않음: 활성화 코드를 이메일로 보내는 대신 관리자에게 표시
mobile-save = 저장
mobile-saved = 설정이 저장되었습니다.
mobile-lines = 회선
mobile-person = 사람
mobile-state = 상태
mobile-state-pending = 활성화 대기 중 (코드 유효 기한: { $date })
mobile-state-expired = 코드 만료됨
mobile-state-activated = { $date }에 활성화됨
mobile-no-lines = 아직 모바일 회선이 없습니다.
mobile-add = 모바일 회선 추가
mobile-add-title = { $name }님의 모바일 회선 추가
mobile-prereq = 모바일 회선에는 프로페셔널 통화 라이선스와 다음 국가 중 한 곳의 위치가 필요합니다: { $countries }.
mobile-field-subscriptionId = 구독
mobile-field-phoneNumber = 전화번호
mobile-choose = 선택…
mobile-number-hint = { $name }님에게 아직 전화번호가 없습니다. 위치의 사용 가능한 번호 중 하나를 선택하십시오.
mobile-line = 모바일 회선
mobile-new-code = 새 활성화 코드
mobile-code-title = { $name }님의 활성화 코드
mobile-code-mailed = 활성화 코드를 { $email }(으)로 이메일로 보냈습니다. { $date }까지 유효합니다.
mobile-code-shown = 이 활성화 코드를 { $name }님에게 전달하십시오. 한 번만 표시되며 { $date }까지 유효합니다.
mobile-code-copy = 복사
mobile-code-email = 이메일
mobile-code-print = 인쇄
mobile-code-instructions = 소프트폰에서 "코드로 활성화"를 선택하고 코드를 입력하십시오.
mobile-back = { $name }(으)로 돌아가기
mobile-wizard-choice = 모바일 회선 (활성화 코드)
mobile-wizard-hint = 사용자가 이미 가진 전화기용: MAC 주소 대신 활성화 코드를 사용합니다.
# 온보딩 (ONB-1): 초대
accounts-invite = 비밀번호를 직접 입력하는 대신 비밀번호 설정 초대를 이메일로 보내기
accounts-invite-hint = 초대 링크는 7일 동안 한 번만 사용할 수 있으며, 계정에 이메일 주소가 있어야 합니다.
accounts-invite-again = 새 초대 보내기
accounts-invited = 계정을 만들고 초대를 이메일로 보냈습니다.
accounts-customer-hint = 고객 관리자용: 통화 설정을 관리할 고객입니다.
invitation-title = 비밀번호 설정
invitation-intro = Patchbay 계정 { $login }의 비밀번호를 정하십시오.
invitation-submit = 비밀번호 설정
invitation-invalid = 이 초대 링크는 더 이상 사용할 수 없습니다. 이미 사용되었거나 만료되었거나 더 새로운 링크가 발송되었습니다. 초대한 사람에게 새 링크를 요청하십시오.
invitation-to-login = 로그인으로 이동
mail-invitation-subject = Patchbay 계정 { $login }
mail-invitation-body =
    안녕하세요.

    Patchbay 계정이 만들어졌습니다. 로그인 이름: { $login }

    이 링크로 비밀번호를 설정하십시오 ({ $expires }까지 한 번만 사용 가능):

    { $url }

    그런 다음 로그인 이름과 그 비밀번호로 로그인하십시오.
rule-below-consumed = 이미 할당된 단위보다 적습니다. 먼저 일부를 해제하거나 더 높은 총계를 유지하십시오.
licences-title = 통화 라이선스
licences-saved = 라이선스를 저장했습니다.
licences-new-mobile = 모바일 회선이 포함된 구독 추가
licences-invite-admin = 고객 관리자 초대
licences-manage = 통화 라이선스 관리
invitation-link-title = 초대 링크
invitation-link-shown = 메일 릴레이가 구성되어 있지 않습니다. 이 링크를 { $login } 계정 소유자에게 전달하십시오. 한 번만 표시되며 7일 동안 한 번만 사용할 수 있습니다.
conflict-mobile-reset = 모바일 회선의 비밀번호는 활성화할 때 만들어집니다. 대신 새 활성화 코드를 발급하십시오.
conflict-mobile-changed = 모바일 회선을 추가하는 동안 사용자 정보가 변경되었습니다. 사용자를 확인하고 다시 시도하십시오.
outbox-sensitive = 표시되지 않음: 이 메일에는 일회용 링크 또는 코드가 들어 있습니다.
field-file = 파일
mobile-bulk-link = 모바일 회선 일괄 추가(CSV)
bulk-title = 모바일 회선 일괄 추가
bulk-back = 모바일 회선으로 돌아가기
bulk-step-template = 템플릿을 다운로드하십시오. 모바일 회선을 포함하는 구독마다 열이 하나씩 있습니다.
bulk-template = CSV 템플릿 다운로드
bulk-step-fill = 사람마다 한 행을 채우십시오. 사용자 이름에 이메일 주소, 유형 USER, 장치 유형 WEBEX_CALLING, 모델 Webex Go Device, MAC 주소 없음, 그리고 회선을 가져올 구독의 열에 TRUE를 입력합니다. 내선 번호, 전화번호, 위치를 채우는 경우 그 사람의 것이어야 하며, 번호가 없는 사람은 행의 번호를 받습니다.
bulk-step-upload = 파일을 업로드하십시오. 그러면 각 행이 이유와 함께 개별적으로 성공하거나 실패하며, 행이 절반만 적용되는 일은 없습니다.
bulk-upload-title = 파일 업로드
bulk-email-codes = 활성화 코드를 이메일로 보내기
bulk-email-hint = 각 사람이 활성화 코드와 안내를 이메일로 받습니다. 그렇지 않거나 조직이 이메일을 차단하면 코드는 결과 파일에 들어 있습니다.
bulk-file = CSV 파일
bulk-file-hint = UTF-8 CSV, 최대 32MiB 및 100,000행.
bulk-submit = 제출
bulk-imports = 최근 가져오기
bulk-no-imports = 아직 가져온 파일이 없습니다.
bulk-created = 업로드 시각
bulk-status = 상태
bulk-rows = 행 수
bulk-added = 추가된 회선
bulk-refused = 거부된 행
bulk-status-queued = 대기 중
bulk-status-running = 진행 중
bulk-status-done = 완료
bulk-status-failed = 중지됨
bulk-error-stopped = 파일 끝에 도달하기 전에 가져오기가 중지되었습니다. 앞의 행은 결과가 있고 나머지는 적용되지 않았습니다. 남은 행을 다시 업로드하십시오.
bulk-import-title = 모바일 회선 가져오기
bulk-progress = { $total }행 중 { $done }행 처리됨
bulk-refreshing = 가져오기가 끝날 때까지 이 페이지가 몇 초마다 자동으로 새로 고쳐집니다.
bulk-stop-refresh = 새로 고침 중지
bulk-reload = 지금 진행 상황 보기
bulk-results = 결과 파일 다운로드
bulk-codes-in-results = 활성화 코드를 이메일로 보내지 않았습니다. 코드는 결과 파일에 있습니다. 안전하게 보관하십시오. 각 코드는 한 번만 사용할 수 있습니다.
bulk-refused-rows = 거부된 파일 행
bulk-no-refused = 거부된 행이 없습니다.
bulk-more-refused = 처음 100개의 거부된 행만 표시됩니다. 결과 파일에는 모든 행이 있습니다.
bulk-result-line = 줄
bulk-result-user = 사용자 이름
bulk-result-outcome = 결과
bulk-result-reason = 이유
bulk-result-code = 활성화 코드
bulk-outcome-added = 추가됨
bulk-outcome-refused = 거부됨
bulk-reason-one-subscription = 정확히 하나의 구독 열에 TRUE를 입력하십시오.
bulk-reason-differs = 그 사람의 값({ $value })과 다릅니다.
bulk-reason-unknown-user = 이 조직에 이 이메일 주소를 가진 사람이 없습니다.
bulk-reason-has-line = 이 사람은 이미 모바일 회선이 있습니다.
bulk-reason-gone = 그 사이에 이 사람이 삭제되었습니다.
bulk-reason-failed = 회선을 추가할 수 없습니다. 이 행을 다시 시도하십시오.
cst-problem-csv-empty = 파일에 머리글 행이 없습니다
cst-problem-csv-missing = { $value } 열이 없습니다
cst-problem-csv-unknown = { $value } 열은 템플릿에 없는 열입니다
cst-problem-csv-duplicate = { $value } 열이 두 번 나옵니다
cst-problem-csv-subscription = 조직에 모바일 구독 { $value }이(가) 없습니다. 템플릿을 다시 다운로드하십시오
cst-problem-csv-no-subscription = 구독 열이 없습니다. 템플릿을 다시 다운로드하십시오
cst-problem-csv-unreadable = { $value }행에서 UTF-8 CSV로 읽을 수 없습니다
cst-problem-csv-no-rows = 머리글 아래에 행이 없습니다
