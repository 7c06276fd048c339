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
