//! Every string a person sees, in Chinese and English, in one table.
//!
//! Chinese is the default (the people running these elections read
//! Chinese); English is one click away through `?lang=en`, remembered in a
//! `lang` cookie. Each line of [`messages!`] gives both languages, so a
//! string cannot exist in one language only: the compiler checks it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

/// Declares [`Texts`] with one field per message, and its two instances.
macro_rules! messages {
    ($($key:ident => $zh:expr, $en:expr;)*) => {
        /// One language's strings; use [`Lang::texts`] to get one.
        #[derive(Debug)]
        pub struct Texts {
            $(pub $key: &'static str,)*
        }
        /// 中文
        pub static ZH: Texts = Texts { $($key: $zh,)* };
        /// English
        pub static EN: Texts = Texts { $($key: $en,)* };
    };
}

messages! {
    // --- shell ----------------------------------------------------------
    app_name => "换届选举", "Huanjie elections";
    app_tagline => "社区换届选举：从选民登记到当选证书", "Community general elections, from the voter roll to the certificate";
    footer => "换届 · 开源的换届选举系统", "Huanjie · open-source general elections";
    switch_to_other_language => "English", "中文";
    nav_elections => "选举列表", "Elections";
    nav_new_election => "新建选举", "New election";
    nav_sign_out => "退出", "Sign out";
    signed_in_as => "当前用户", "Signed in as";

    // --- roles ------------------------------------------------------------
    role_committee => "选举委员会", "Election committee";
    role_clerk => "投票站工作人员", "Station clerk";
    role_observer => "观察员", "Observer";

    // --- body kinds -------------------------------------------------------
    body_residents_committee => "居民委员会", "Residents' committee";
    body_supervisory_committee => "居务监督委员会", "Supervisory committee";
    body_homeowners_committee => "业主委员会", "Homeowners' committee";
    body_supervisory_board => "监事会", "Supervisory board";

    // --- positions ----------------------------------------------------------
    position_director => "主任", "Director";
    position_deputy => "副主任", "Deputy director";
    position_member => "委员", "Member";
    position_women_member => "妇女委员", "Women's line member";

    // --- field labels (forms, detail page, validation messages) -------------
    field_body_kind => "机构类型", "Body";
    field_title => "选举名称", "Title";
    field_profile => "选举规程", "Profile";
    field_election_day => "选举日", "Election day";
    field_seats => "席位", "Seats";
    field_position => "职位", "Position";
    field_seat_count => "席位数", "Number of seats";
    field_username => "用户名", "Username";
    field_password => "密码", "Password";
    field_setup_code => "设置码", "Set-up code";
    field_role => "角色", "Role";
    field_station => "投票站", "Polling station";
    field_valid_for_hours => "有效时长（小时）", "Valid for (hours)";
    field_created_at => "创建时间", "Created";

    // --- sign-in page -----------------------------------------------------------
    sign_in_title => "登录", "Sign in";
    sign_in_intro => "选举委员会成员和观察员请用自己的账号登录。", "Election committee members and observers sign in with their own account.";
    sign_in_button => "登录", "Sign in";
    signed_out_notice => "您已退出。", "You have signed out.";

    // --- first-run set-up page --------------------------------------------------
    setup_title => "首次设置", "First-run set-up";
    setup_intro => "请输入启动服务时终端里显示的设置码，并创建第一个选举委员会账号。", "Enter the set-up code printed in the terminal when the server started, and create the first election committee account.";
    setup_code_hint => "形如 ABCD-2345，只能使用一次。", "Looks like ABCD-2345 and works only once.";
    password_hint => "至少 10 个字符。", "At least 10 characters.";
    setup_button => "完成设置", "Finish set-up";
    setup_done_notice => "首次设置已完成，请登录。", "First-run set-up is already done; please sign in.";

    // --- elections list -----------------------------------------------------------
    elections_title => "选举列表", "Elections";
    elections_empty => "还没有选举。", "No elections yet.";
    elections_empty_committee => "点击“新建选举”创建第一场选举。", "Use \u{201c}New election\u{201d} to create the first one.";

    // --- election detail -------------------------------------------------------------
    election_detail_title => "选举详情", "Election";
    seats_total => "合计", "Total";
    back_to_list => "返回选举列表", "Back to the elections";

    // --- create election form ----------------------------------------------------------
    new_election_title => "新建选举", "New election";
    new_election_intro => "填写本次换届选举的基本信息。带 * 的为必填项。", "Give the basic facts of this general election. Fields marked * are required.";
    title_placeholder => "如：幸福社区居民委员会第七届换届选举", "e.g. Xingfu Community residents' committee, 7th general election";
    seats_hint => "每个职位填写应选人数；不设的职位留空。", "Give the number of seats for each position; leave a position blank if it is not elected.";
    create_button => "创建", "Create";
    cancel => "取消", "Cancel";
    form_has_errors => "请按提示修改标红的项目。", "Please correct the fields marked in red.";

    // --- error page ------------------------------------------------------------------------
    error_title_400 => "输入有误", "Invalid input";
    error_title_401 => "请先登录", "Please sign in";
    error_title_403 => "无权操作", "Not allowed";
    error_title_404 => "找不到", "Not found";
    error_title_405 => "不支持的操作", "Not supported";
    error_title_409 => "冲突", "Conflict";
    error_title_422 => "不符合规定", "Refused by a rule";
    error_title_500 => "服务器出错", "Something went wrong";
    error_home => "返回首页", "Go to the start page";

    // --- error messages (API and pages) ------------------------------------------------------
    err_invalid_input => "输入有误，请按各项提示修改后重试。", "Some fields are not valid; correct them as described and try again.";
    err_malformed_body => "无法读取请求内容：需要一个 JSON 对象（{}）。", "The request body could not be read: a JSON object is expected ({}).";
    err_unauthenticated => "请先登录。", "Please sign in first.";
    err_sign_in_failed => "用户名或密码不正确。", "The username or password is not correct.";
    err_forbidden => "您的角色无权进行此操作。", "Your role is not allowed to do this.";
    err_not_found => "找不到所请求的内容。", "Nothing was found at this address.";
    err_method_not_allowed => "此地址不支持这种请求方法。", "This address does not accept that request method.";
    err_internal => "服务器内部出错，请稍后再试；如一再出现，请联系管理员。", "Something went wrong on the server; try again later, and tell the administrator if it keeps happening.";
    err_conflict => "与已有的数据冲突。", "This conflicts with data that already exists.";
    err_setup_code_invalid => "设置码不正确或已失效。请使用最近一次启动服务时显示的设置码。", "The set-up code is not correct or no longer valid. Use the code printed when the server last started.";
    err_setup_done => "首次设置已完成，不能再次进行。请登录。", "First-run set-up is already done and cannot be repeated. Please sign in.";
    err_username_taken => "用户名“{}”已被使用。", "The username \"{}\" is already taken.";

    // --- validation rules: "{label}（{field}）：{rule}" ----------------------------------------
    rule_required => "必须填写", "is required";
    rule_not_text => "必须是文字", "must be text";
    rule_too_long => "不能超过 {} 个字", "must be at most {} characters";
    rule_unknown_body_kind => "“{}”不是可选的机构类型；可选：{}", "\"{}\" is not a known body; choose one of: {}";
    rule_unknown_profile => "没有名为“{}”的选举规程；可选：{}", "there is no profile \"{}\"; choose one of: {}";
    rule_bad_date => "“{}”不是有效的日期；请按“年-月-日”填写，如 2026-06-01", "\"{}\" is not a valid date; write it as YYYY-MM-DD, e.g. 2026-06-01";
    rule_no_seats => "至少要为一个职位设置席位", "at least one position needs seats";
    rule_not_a_list => "必须是职位和席位数的列表", "must be a list of positions and their seats";
    rule_unknown_position => "“{}”不是可选的职位；可选：{}", "\"{}\" is not a known position; choose one of: {}";
    rule_duplicate_position => "职位“{}”出现了不止一次；每个职位只能填一行", "position \"{}\" appears more than once; give each position one row";
    rule_seats_whole_number => "必须是整数", "must be a whole number";
    rule_seats_at_least_one => "至少为 1（不设的职位请删去这一行）", "must be at least 1 (remove the row if the position is not elected)";
    rule_seats_at_most => "不能超过 {}", "must be at most {}";
    rule_username_shape => "须为 2 到 64 个字符，不能含空格", "must be 2 to 64 characters with no spaces";
    rule_password_length => "须为 10 到 256 个字符", "must be 10 to 256 characters";
    rule_user_role => "只能是 committee（选举委员会）或 observer（观察员）；投票站工作人员使用投票站令牌，不设账号", "must be committee or observer; station clerks use station tokens, not accounts";
    rule_station_shape => "须为 1 到 16 个字母、数字或 - _，如 S1、M1", "must be 1 to 16 letters, digits, - or _, e.g. S1 or M1";
    rule_hours_range => "须为 1 到 {} 之间的整数", "must be a whole number from 1 to {}";

    // --- resident roll (选民登记) ---------------------------------------------
    err_roll_empty => "没有收到文件：请选择居民名册文件（CSV或Excel）", "no file received: choose a resident roll file (CSV or Excel)";
    err_roll_rejected => "名册未导入：请按下列问题修改文件后重新导入，本次未写入任何数据", "the roll was not imported: fix the problems listed and import it again; nothing was written";
    nav_roll => "选民登记", "Voter registration";
    roll_title => "选民登记：居民名册", "Voter registration: the resident roll";
    roll_intro => "导入居民名册（CSV或Excel），系统按选举日核对每一位居民是否具有选民资格。有任何一行有误，整个文件都不会导入。", "Import the resident roll (CSV or Excel); each resident is checked for voter eligibility on election day. If any row is wrong, nothing is imported.";
    roll_template => "下载模板", "Download the template";
    roll_file => "名册文件", "Roll file";
    roll_dry_run => "只检查，不导入", "Check only, do not import";
    roll_import => "导入", "Import";
    roll_none_yet => "尚未导入名册。", "No roll imported yet.";
    roll_residents => "居民", "Residents";
    roll_voters => "选民", "Voters";
    roll_not_registered => "不登记为选民", "Not registered as voters";
    roll_rows => "数据行", "Data rows";
    roll_groups => "各居民小组选民数", "Voters by residents' group";
    roll_imported_at => "导入时间", "Imported at";
    roll_accepted_written => "名册已导入。", "The roll was imported.";
    roll_accepted_dry_run => "检查通过，未导入（只检查）。", "The roll passes every check; nothing was imported (check only).";
    roll_errors => "需要修改的问题", "Problems to fix";
    roll_error_row => "行", "Row";
    roll_error_column => "列", "Column";
    roll_error_value => "内容", "Value";
    roll_error_rule => "规则", "Rule";
    roll_error_reason => "原因", "Reason";
    roll_exclusions => "不登记为选民的居民", "Residents not registered as voters";
    roll_count => "人数", "Count";
    roll_search => "查询", "Search";
    roll_search_name => "姓名", "Name";
    roll_search_id => "公民身份号码", "Resident ID";
    roll_search_group => "居民小组", "Residents' group";
    roll_search_voters_only => "只看选民", "Voters only";
    roll_results => "查询结果：共{}人", "Results: {} people";
    roll_col_gender => "性别", "Gender";
    roll_col_household => "户号", "Household";
    roll_col_status => "资格", "Status";
    roll_status_voter => "选民", "Voter";
    roll_status_not_voter => "非选民", "Not a voter";
    gender_male => "男", "Male";
    gender_female => "女", "Female";

    // --- registration: mode, publication, objections, proxies ---------------
    nav_registration => "名单公布、异议与委托", "Publication, objections and proxies";
    reg_title => "选民名单公布", "Voter list publication";
    reg_mode => "选举方式", "Election mode";
    reg_voluntary => "自愿登记社区", "Voluntary-registration community";
    reg_save_setup => "保存选举方式", "Save the mode";
    reg_voters => "选民", "Voters";
    reg_waived => "放弃选举权利", "Waived";
    reg_registered => "登记选民数（计算基数）", "Registered voters (the base)";
    reg_deadlines => "时间要求", "Deadlines";
    reg_publish_by => "名单最迟公布日期", "Publish the list by";
    reg_objections_by => "异议最迟提出日期", "Objections lodged by";
    reg_answers_by => "异议最迟答复日期", "Objections answered by";
    reg_proxies_by => "委托投票最迟办理日期", "Proxies lodged by";
    reg_problems => "公布前须解决的问题", "To resolve before publication";
    reg_publish => "公布选民名单", "Publish the voter list";
    reg_published => "选民名单已公布", "The voter list is published";
    reg_published_on => "公布日期", "Published on";
    reg_published_by => "公布人", "Published by";
    reg_fingerprint => "名单指纹（SHA-256）", "List fingerprint (SHA-256)";
    reg_current_fingerprint => "当前指纹（含更改）", "Current fingerprint (with changes)";
    reg_late => "逾期公布（规程允许）天数", "Days late (allowed by the profile)";
    reg_notice_pdf => "名单公告（PDF）", "List notice (PDF)";
    reg_export_xlsx => "名单导出（Excel）", "List export (Excel)";
    reg_proxies_pdf => "委托投票公告（PDF）", "Proxy notice (PDF)";
    reg_done => "已保存", "Saved";
    reg_changes => "名单更改记录", "Changes to the list";
    reg_change_seq => "序号", "No.";
    reg_change_at => "时间", "When";
    reg_change_who => "经办人", "By";
    reg_change_what => "更改内容", "Change";
    reg_change_reason => "理由", "Reason";
    reg_no_changes => "尚无更改", "No changes yet";
    obj_title => "异议", "Objections";
    obj_number => "编号", "No.";
    obj_lodger => "异议人", "Lodged by";
    obj_subject => "异议对象", "About";
    obj_subject_id => "对象公民身份号码（如在名单上）", "Their resident ID (if on the list)";
    obj_kind => "类别", "Kind";
    obj_claim => "异议内容", "Claim";
    obj_status => "状态", "Status";
    obj_lodge => "登记异议", "Record the objection";
    obj_kind_omission => "漏登", "Left off (omission)";
    obj_kind_wrong_entry => "错登", "Should not be listed";
    obj_kind_duplicate => "重登", "Listed twice";
    obj_kind_wrong_details => "信息有误", "Wrong details";
    obj_kind_other => "其他", "Other";
    obj_status_lodged => "待处理", "Lodged";
    obj_status_upheld => "成立", "Upheld";
    obj_status_rejected => "不成立", "Rejected";
    obj_decision => "处理意见", "Decision";
    obj_uphold => "异议成立", "Uphold";
    obj_reject => "异议不成立", "Reject";
    obj_answer => "已答复异议人", "Answered the lodger";
    obj_answered => "已答复", "Answered";
    obj_answer_due => "答复期限", "Answer due";
    obj_none => "尚无异议", "No objections";
    obj_change => "异议成立时对名单的更改（可选）", "The change to the list if upheld (optional)";
    obj_change_add => "补登该选民", "Add this voter";
    obj_change_strike => "将异议对象从选民名单中除名", "Strike the subject off the voter list";
    obj_change_edit => "更正异议对象的登记信息（只填要改的项）", "Correct the subject's entry (fill in only what changes)";
    obj_address => "住址", "Address";
    proxy_title => "委托投票", "Proxies";
    proxy_grantor => "委托人", "Voter giving the authorisation";
    proxy_proxy => "受委托人", "Proxy";
    proxy_id_hint => "公民身份号码", "Resident ID";
    proxy_document => "委托书编号", "Written authorisation no.";
    proxy_register => "登记委托", "Record the proxy";
    proxy_revoke => "撤销", "Revoke";
    proxy_revoked => "已撤销", "Revoked";
    proxy_approved_on => "批准日期", "Approved on";
    proxy_none => "尚无委托", "No proxies";
    assistant_title => "代写", "Writing assistants";
    assistant_voter => "选民", "Voter";
    assistant_name => "代写人", "Assistant";
    assistant_reason => "原因", "Reason";
    assistant_record => "登记代写", "Record the assistant";
    assistant_none => "尚无代写登记", "No writing assistants";
    group => "居民小组", "Residents' group";

    // --- nomination: seats, election committee, papers, formal list, staff ---
    nav_nomination => "提名与候选人", "Nomination and candidates";
    nom_title => "提名与正式候选人", "Nomination and formal candidates";
    nom_done => "已保存", "Saved";
    nom_seats => "职数", "Seats";
    nom_seats_word => "名", "seat(s)";
    nom_households => "户数", "Households";
    nom_formula => "按户数计算的成员数", "Members by the formula";
    nom_seat_reason => "与计算结果不同的理由", "Why the number departs from the formula";
    nom_seat_reason_hint => "总数与计算结果不同时必须填写。", "Required when the total differs from the formula.";
    nom_seat_problems => "职数问题", "Problems with the seats";
    nom_set_seats => "确定职数", "Set the seats";
    nom_committee => "选举委员会", "Election committee";
    nom_committee_none => "尚未登记选举委员会成员", "No members recorded yet";
    nom_committee_problems => "组成问题", "Problems with its composition";
    nom_member_name => "姓名", "Name";
    nom_member_gender => "性别", "Gender";
    nom_member_role => "职务", "Role";
    nom_member_resident => "公民身份号码（如在名册上）", "Resident ID (if on the roll)";
    nom_member_status => "状态", "Status";
    nom_member_serving => "在任", "Serving";
    nom_member_left => "已退出", "Left";
    nom_left_formal_candidate => "成为正式候选人（R-BODY-5）", "became a formal candidate (R-BODY-5)";
    nom_on_roll => "在名册上", "on the roll";
    nom_add_member => "增加成员", "Add the member";
    nom_role_chair => "主任", "Chair";
    nom_role_vice_chair => "副主任", "Vice-chair";
    nom_role_member => "委员", "Member";
    nom_papers => "提名", "Nominations";
    nom_papers_none => "尚无提名", "No nominations yet";
    nom_paper_number => "编号", "No.";
    nom_paper_kind => "提名方式", "Way of nominating";
    nom_paper_nominators => "提名人", "Nominators";
    nom_paper_nominees => "被提名人", "Nominee";
    nom_paper_by => "提名组织或居民小组（如有）", "Nominating organisation or group (if any)";
    nom_paper_lodged => "提名日期", "Lodged on";
    nom_paper_void => "无效", "Void";
    nom_nominators_hint => "每行一个18位公民身份号码；本人自荐可不填（即被提名人本人）。", "One 18-character resident ID per line; for a self-nomination leave it empty (the nominee signs).";
    nom_record_paper => "登记提名", "Record the nomination";
    nom_nominees => "被提名人与预选", "Nominees and the preliminary vote";
    nom_no_nominees => "尚无被提名人", "No nominees yet";
    nom_nominee_papers => "提名数", "Papers";
    nom_votes => "预选得票", "Preliminary votes";
    nom_record_votes => "保存预选结果", "Save the preliminary votes";
    nom_selected => "正式候选人", "formal candidate";
    nom_outcome_all => "被提名人数在差额范围内，全部为正式候选人", "The nominees are within the margin: all of them are formal candidates";
    nom_outcome_preliminary => "被提名人{}名，多于正式候选人{}名：须进行预选（尚缺{}人的得票）", "{} nominees for {} places: a preliminary vote is needed ({} without votes)";
    nom_outcome_by_votes => "按预选得票确定正式候选人：{}", "Formal candidates by preliminary votes: {}";
    nom_outcome_tie => "{}同得{}票，争{}个名额：须由选举委员会决定（如再次预选）", "{} tie with {} votes for {} place(s): the election committee decides (e.g. another preliminary vote)";
    nom_formal => "正式候选人名单", "Formal candidate list";
    nom_formal_not_fixed => "正式候选人名单尚未确定。确定后不能再提名，也不能更改职数和预选结果。", "The formal candidate list is not fixed yet. Once fixed, no more nominations, and the seats and preliminary votes no longer change.";
    nom_formal_fix => "确定并公布正式候选人名单", "Fix and publish the formal candidate list";
    nom_published_on => "公布日期", "Published on";
    nom_by_strokes => "按姓氏笔画排列", "In order of surname strokes";
    nom_withdrawn_note => "已退出（{}，{}）", "withdrew ({}, {})";
    nom_replaces_note => "递补{}", "replaces {}";
    nom_women => "女性成员（R-BODY-3）", "Women (R-BODY-3)";
    nom_withdraw => "正式候选人退出", "A formal candidate withdraws";
    nom_withdraw_who => "退出的正式候选人", "Candidate withdrawing";
    nom_withdraw_reason => "退出理由", "Reason";
    nom_withdraw_submit => "登记退出", "Record the withdrawal";
    nom_replacement_next => "已登记退出：{}按预选得票（{}票）递补为正式候选人", "Withdrawal recorded: {} takes the place by preliminary votes ({} votes)";
    nom_replacement_tie => "已登记退出：{}同得{}票，由选举委员会决定由谁递补", "Withdrawal recorded: {} tie with {} votes; the election committee decides who takes the place";
    nom_replacement_none => "已登记退出：无人可递补，该职位剩余正式候选人{}名", "Withdrawal recorded: nobody is left to take the place; {} formal candidate(s) remain";
    nom_replacement_below => "，已少于差额要求（R-NOM-4）", ", fewer than the margin requires (R-NOM-4)";
    nom_staff => "监票人、唱票人、计票人", "Scrutineers, callers and counters";
    nom_staff_none => "尚未确定", "None appointed yet";
    nom_staff_role => "职责", "Role";
    nom_staff_station => "投票站或计票场所", "Polling station or count venue";
    nom_staff_appoint => "确定人员", "Appoint";
    nom_staff_scrutineer => "监票人", "Scrutineer";
    nom_staff_caller => "唱票人", "Caller";
    nom_staff_counter => "计票人", "Counter";
    nom_timeline => "时间安排", "Timeline";
    nom_timeline_step => "事项", "Step";
    nom_timeline_deadline => "期限", "Deadline";
    nom_due_met => "已按时完成（{}）", "Done in time ({})";
    nom_due_late => "逾期{}天完成（{}）", "Done {} day(s) late ({})";
    nom_due_early => "早于期限开始（{}）", "Done before the window opened ({})";
    nom_due_pending => "待办，还剩{}天", "Pending, {} day(s) left";
    nom_due_overdue => "已逾期{}天", "Overdue by {} day(s)";
    nom_pdf_committee => "选举委员会公告（PDF）", "Election committee notice (PDF)";
    nom_pdf_nominations => "提名情况公告（PDF）", "Nominations notice (PDF)";
    nom_pdf_initial => "初步候选人公告（PDF）", "Initial candidates notice (PDF)";
    nom_pdf_formal => "正式候选人公告（PDF）", "Formal candidates notice (PDF)";
    nom_pdf_staff => "监票、唱票、计票人员公告（PDF）", "Counting staff notice (PDF)";

    // --- ballots: specimen, batches, print jobs, voided ballots -------------
    nav_ballots => "选票印制", "Ballots";
    bal_title => "选票印制", "Ballot printing";
    bal_specimen_intro => "印制前请先查看样票：样票上的票号不属于任何批次，不能当作选票使用。", "Look at the specimen before printing: its serial belongs to no batch, so it can never pass for a ballot.";
    bal_preview_a4 => "样票（A4，PDF）", "Specimen (A4, PDF)";
    bal_preview_a3 => "样票（A3，PDF）", "Specimen (A3, PDF)";
    bal_not_fixed => "正式候选人名单尚未确定，还不能印制选票（R-NOM-5）。", "The formal candidate list is not fixed yet, so no ballots can be printed (R-NOM-5).";
    bal_print => "印制一批选票", "Print a batch of ballots";
    bal_station => "投票站", "Polling station";
    bal_count => "张数", "Ballots";
    bal_print_hint => "每张选票有一个不重复的票号；本批的票号清单及其哈希值会被保存，不记录谁领到哪一张。", "Every ballot gets its own serial; the batch's list of serials and its hash are kept, never who receives which ballot.";
    bal_print_submit => "登记印制", "Record the batch";
    bal_printed_flash => "已登记第{}批，共{}张；请在下表中打印PDF。", "Batch {} recorded, {} ballot(s); print its PDF in the table below.";
    bal_voided_flash => "已作废第{}批中的一张选票。", "A ballot of batch {} was voided.";
    bal_batches => "印制批次", "Batches";
    bal_batches_none => "尚未印制选票", "No ballots printed yet";
    bal_total => "共印制", "Ballots printed";
    bal_number => "批次", "Batch";
    bal_voided => "已作废", "Voided";
    bal_printed_at => "印制时间", "Printed at";
    bal_printed_by => "经办人", "By";
    bal_manifest => "票号清单哈希", "Manifest hash";
    bal_manifest_hint => "票号清单哈希为本批全部票号（每行一个）的SHA-256值，鼠标停留可看全文。", "The manifest hash is the SHA-256 of the batch's serials, one a line; hover to see it in full.";
    bal_pdf => "打印选票", "Print the ballots";
    bal_pdf_hint => "选择纸张后生成本批选票的PDF（每张选票一页），完成后下载打印。", "Choose the paper to make the batch's PDF (one page per ballot), then download it and print.";
    bal_batch_line => "第{}批 · {} · {}张", "Batch {} · {} · {} ballot(s)";
    bal_paper => "纸张", "Paper";
    bal_print_pdf => "打印PDF", "Print PDF";
    bal_download => "下载PDF", "Download the PDF";
    bal_job_failed => "印制失败，请重试。", "Printing failed; please try again.";
    bal_void => "作废污损选票", "Void a spoiled ballot";
    bal_serial => "票号", "Serial";
    bal_void_reason => "作废原因", "Reason";
    bal_void_submit => "作废", "Void the ballot";

    // --- polling day: stations and the clerk's page ---------------------------
    nav_stations => "投票站", "Polling stations";
    st_title => "投票站", "Polling stations";
    st_intro => "选举日前设立中心投票站、投票站和流动票箱（R-POLL-1），并为每个投票站的工作人员发放登录令牌。", "Before election day, set up the central station, further stations and mobile ballot boxes (R-POLL-1), and give each station's clerks a sign-in token.";
    st_none => "尚未设立投票站", "No polling stations yet";
    st_code => "代码", "Code";
    st_name => "名称", "Name";
    st_kind => "类型", "Kind";
    st_kind_central => "中心投票站", "Central polling station";
    st_kind_sub => "投票站", "Polling station";
    st_kind_mobile => "流动票箱", "Mobile ballot box";
    st_place => "地点（流动票箱：线路和时间）", "Place (mobile box: its round and hours)";
    st_serves => "服务范围", "Serves";
    st_approval => "批准情况", "Approval";
    st_approval_hint => "流动票箱须经批准的规程（如浙江2020）请写明批准人和日期。", "Where the profile wants mobile boxes approved (such as ZJ-2020), write who approved it and when.";
    st_polls => "投票状态", "Polls";
    st_polls_not_opened => "未开始", "Not opened";
    st_polls_open => "投票中", "Open";
    st_polls_closed => "已结束", "Closed";
    st_issued => "已发票", "Issued";
    st_scanned => "已计票", "Counted";
    st_add => "设立投票站", "Set up a station";
    st_code_hint => "字母、数字、- 或 _，如 central、S1、M1；工作人员令牌按代码发放。", "Letters, digits, - or _, such as central, S1, M1; clerks' tokens name the code.";
    st_add_submit => "设立", "Set up";
    st_added_flash => "已设立投票站“{}”。", "Station “{}” set up.";
    st_open_page => "打开投票站页面", "Open the station's page";
    st_issue_token => "发放工作人员令牌", "Issue a clerk token";
    st_token_title => "“{}”的工作人员令牌", "Clerk token for “{}”";
    st_token_once => "令牌只显示这一次，请抄下或复制给该投票站的工作人员。工作人员在下面的登录页输入令牌：", "The token is shown this once only: copy it for the station's clerk, who types it in on this sign-in page:";
    st_token_expires => "有效期至", "Valid until";
    st_signin_title => "投票站登录", "Station sign-in";
    st_signin_intro => "投票站工作人员请输入选举委员会发放的投票站令牌（以 hjt_ 开头）。", "Station clerks: type in the station token the election committee gave you (it starts with hjt_).";
    st_token => "投票站令牌", "Station token";
    st_signin_submit => "登录投票站", "Sign in to the station";
    st_signin_refused => "令牌无效、已过期或已被撤销，请向选举委员会索取新的令牌。", "This token is unknown, expired or revoked; ask the election committee for a new one.";
    st_signout => "退出投票站", "Leave the station";
    st_station_eyebrow => "投票站", "Polling station";
    st_open_polls => "开始投票", "Open the polls";
    st_open_hint => "开始投票时已发票数和已计票数必须为零。", "Polls open with every counter at zero.";
    st_issue => "发放选票", "Issue ballots";
    st_issue_hint => "只记发出的张数，不记发给谁（R-POLL-5）。误登记时点“撤回1张”。", "Only the number handed out is kept, never to whom (R-POLL-5). Entered one too many? Take back 1.";
    st_issue_one => "+1 张", "+1 ballot";
    st_issue_five => "+5 张", "+5 ballots";
    st_take_back => "撤回1张", "Take back 1";
    st_issue_number => "张数", "Number of ballots";
    st_issue_submit => "登记", "Record";
    st_close_polls => "结束投票", "Close the polls";
    st_close_confirm => "我确认投票已经结束：结束后不能再发票，也不能重新开始。", "I confirm voting is over: after this no ballot can be issued and polls cannot reopen.";
    st_opened_flash => "投票已开始。", "Polls are open.";
    st_issued_flash => "已登记发票 {} 张。", "{} ballot(s) recorded as issued.";
    st_closed_flash => "投票已结束，可以开始计票。", "Polls are closed: the count can begin.";
    st_count => "计票", "Counting";
    st_receipt => "回执号", "Receipt";
    st_count_hint => "扫描选票上的二维码（或输入票号后按回车），再按选票逐一点选；未点选的视为弃权。", "Scan the ballot's QR code (or type the serial and press Enter), then mark as the ballot reads; a candidate not marked is an abstention.";
    st_count_wait => "投票结束后才能计票（R-CNT-1）。", "Ballots are counted only after polls close (R-CNT-1).";
    st_serial => "票号", "Serial";
    st_serial_next => "下一步", "Next";
    st_seats_line => "应选{}名", "{} to elect";
    st_for => "赞成", "For";
    st_against => "反对", "Against";
    st_abstain => "弃权", "Abstain";
    st_write_in => "另选他人", "Write-in";
    st_unreadable => "无法辨认", "Unreadable";
    st_unreadable_hint => "无法辨认的选票整张记为无法辨认，由选举委员会认定（R-CNT-4）。", "An unreadable ballot is recorded as such, for the committee to rule on (R-CNT-4).";
    st_scan_submit => "计入此票", "Count this ballot";
    st_receipt_flash => "已计入：回执第{}号（票号 {}）。", "Counted: receipt {} (serial {}).";
    st_replayed_flash => "这张选票此前已按相同划票计入：回执第{}号（票号 {}）。", "This ballot was counted before with the same marks: receipt {} (serial {}).";
    st_confirm_required => "请勾选确认后再结束投票", "Tick the confirmation to close the polls";
    st_camera => "用摄像头扫描二维码", "Scan the QR code with the camera";
    st_camera_stop => "关闭摄像头", "Stop the camera";
    st_camera_hint => "请把选票上的二维码对准摄像头。", "Hold the ballot's QR code up to the camera.";
    st_camera_unavailable => "无法使用摄像头（没有摄像头、未允许使用，或页面不是通过 HTTPS 打开）：请用扫码枪扫描或手工输入票号。", "The camera cannot be used (there is none, it was not allowed, or the page is not served over HTTPS): use the handheld scanner or type the serial.";
    st_camera_read => "已读取票号 {}，请按唱票逐一点选。", "Serial {} read: mark the ballot as it is read out.";
    st_upload => "上传扫描件", "Upload scans";
    st_upload_hint => "选择扫描仪或手机扫描的选票（PNG、JPEG、TIFF 或扫描仪的 PDF，每页一张选票），可一次选多个文件。清楚的划记直接计入；无法确定的选票先保存，等待人工裁定（R-CNT-4）。二维码无法识别的页不保存，请在上面输入票号后手工录入。", "Choose ballots from a scanner or a phone (PNG, JPEG, TIFF or a scanner's PDF, one ballot a page); several files at once are fine. Clear marks are counted; a ballot with anything uncertain is stored and waits for a person to decide (R-CNT-4). A page whose QR code cannot be read is not stored: type its serial above and enter it by hand.";
    st_upload_files => "扫描文件", "Scan files";
    st_upload_submit => "上传并计票", "Upload and count";
    st_upload_needs_js => "上传扫描件需要浏览器启用 JavaScript。", "Uploading scans needs JavaScript in the browser.";
    st_upload_progress => "已处理 {} / {} 个文件，共 {} 页", "{} of {} file(s) done, {} page(s)";
    st_upload_reading => "正在读取“{}”…", "Reading “{}”…";
    st_upload_page => "{} 第{}页", "{}, page {}";
    st_upload_serial => "票号 {}", "serial {}";
    st_upload_counted => "已计入：回执第{}号", "Counted: receipt {}";
    st_upload_stored => "已保存：回执第{}号（划记待裁定后计入）", "Stored: receipt {} (its marks count once decided)";
    st_upload_replayed => "重复提交，已返回原回执：回执第{}号", "Sent before: the first receipt is returned, receipt {}";
    st_upload_review => "待人工裁定", "Waiting for a person to decide";
    st_upload_review_link => "到待裁定选票裁定", "Decide it in the ballots to decide";
    st_upload_failed => "上传失败，请检查网络后重试", "The upload failed: check the network and try again";

    // --- the count board (计票看板) ------------------------------------------------
    nav_count_board => "计票看板", "Count board";
    cb_title => "计票看板", "Count board";
    cb_live => "实时", "Live";
    cb_reconnecting => "连接中断，正在重新连接…", "Connection lost: reconnecting…";
    cb_snapshot => "页面打开时的计票情况（刷新可更新）", "The count when this page was opened (reload to update)";
    cb_updated => "最后更新", "Last update";
    cb_station => "投票站", "Station";
    cb_counted => "已计票", "Counted";
    cb_pending => "待裁定", "To decide";
    cb_total_counted => "合计已计票", "Counted in all";
    cb_total_pending => "合计待裁定", "To decide in all";
    cb_candidate => "候选人", "Candidate";
    cb_void => "无效票", "Void ballots";
    cb_no_contests => "尚无候选人得票可公布。", "No candidate's votes to show yet.";

    // --- ballots for a person to decide (R-CNT-4) ---------------------------------------
    nav_reviews => "待裁定选票", "Ballots to decide";
    rv_title => "待裁定选票", "Ballots to decide";
    rv_intro => "扫描时无法确定的选票，须对照纸质选票人工裁定后才计入（R-CNT-4）：整张无法辨认的由选举委员会裁定，其余由本投票站工作人员按纸质选票填写。", "Ballots the scan could not settle count only once a person has read the paper ballot (R-CNT-4): the election committee rules on an unreadable ballot; the station's clerks read the others off the paper.";
    rv_to_decide => "待裁定", "To decide";
    rv_decided => "已裁定", "Decided";
    rv_none => "没有待裁定的选票。", "No ballot is waiting for a decision.";
    rv_none_decided => "还没有裁定过的选票。", "No ballot has been decided yet.";
    rv_receipt => "回执第{}号", "Receipt {}";
    rv_reasons => "原因", "Why";
    rv_reason_unreadable => "无法辨认，待选举委员会裁定", "Unreadable: for the election committee to rule on";
    rv_reason_ambiguous => "{}第{}位候选人（{}）的“{}”格划记不清", "{}, candidate {} ({}): the “{}” mark is unclear";
    rv_reason_overvote => "{}第{}位候选人（{}）一行划了不止一个格", "{}, candidate {} ({}): more than one box marked on the row";
    rv_reason_write_in => "{}另选他人第{}栏有笔迹，请按纸质选票填写姓名", "{}, write-in row {} has ink: type the name off the paper";
    rv_reason_placement => "扫描件的一个角标找不到：请对照纸质选票核对划票位置", "A corner square of the scan is missing: check the marks against the paper ballot";
    rv_scanned => "扫描所得", "As scanned";
    rv_scanned_at => "扫描时间", "Scanned at";
    rv_unreadable_whole => "整张无法辨认", "Unreadable as a whole";
    rv_no_marks => "无划记", "No marks";
    rv_form_hint => "请对照纸质选票逐行选择；“未划”表示该行没有划记。", "Read the paper ballot row by row; “Not marked” means the row has no mark.";
    rv_not_marked => "未划", "Not marked";
    rv_record => "记录裁定", "Record the reading";
    rv_rule_unreadable => "裁定为无效票（无法辨认）", "Rule it void (unreadable)";
    rv_committee_only => "此票须由选举委员会裁定（R-CNT-4）。", "Only the election committee rules on this ballot (R-CNT-4).";
    rv_read_only => "观察员只能查看，不能裁定。", "Observers read; they do not decide.";
    rv_decision => "裁定结果", "Decision";
    rv_decided_void => "无效票（无法辨认）", "Void (unreadable)";
    rv_decided_by => "裁定人", "Decided by";
    rv_decided_at => "裁定时间", "Decided at";
    rv_decided_flash => "已记录{}回执第{}号选票的裁定。", "Decision recorded: {}, receipt {}.";

    // --- the count's outcome (计票结果与确认) ------------------------------------------
    nav_outcome => "计票结果", "Outcome";
    oc_title => "计票结果与确认", "The count's outcome";
    oc_reconciliation => "票数核对", "Ballot reconciliation";
    oc_received => "领取", "Received";
    oc_spoiled => "作废", "Spoiled";
    oc_issued => "发出", "Issued";
    oc_returned => "收回", "Returned";
    oc_unused => "剩余", "Unused";
    oc_pending => "待裁定", "To decide";
    oc_discrepancies => "差异", "Discrepancies";
    oc_no_discrepancy => "无", "None";
    oc_count_sheet => "计票单（PDF）", "Count sheet (PDF)";
    oc_round_total => "全部投票站合计", "All stations";
    oc_round_ok => "收回选票不多于发出选票，本轮票数有效", "No more ballots returned than issued: the round's figures stand";
    oc_round_void => "收回选票多于发出选票，本轮选举无效", "More ballots returned than issued: the round is void";
    oc_result => "计票结果", "Result";
    oc_registered => "登记选民", "Registered voters";
    oc_voted => "参加投票", "Voted";
    oc_cast => "收回选票", "Ballots cast";
    oc_validity => "选举是否有效", "Validity";
    oc_valid => "有效", "Valid";
    oc_void => "无效", "Void";
    oc_void_cnt2 => "收回选票多于发出选票", "more ballots returned than issued";
    oc_void_cnt3 => "参加投票的选民未过半数", "not more than half of the voters voted";
    oc_seats => "应选名额", "seats";
    oc_for => "赞成", "For";
    oc_against => "反对", "Against";
    oc_abstain => "弃权", "Abstain";
    oc_elected => "当选", "Elected";
    oc_tied => "票数相等", "Tied";
    oc_nobody => "无", "nobody";
    oc_tie => "票数相等须再次投票", "Tied, for a tie-break vote";
    oc_unfilled => "未选足名额", "Seats unfilled";
    oc_further_candidates => "另行选举候选人", "Further-election candidates";
    oc_certify => "确认结果", "Certify the result";
    oc_certify_confirm => "我已核对票数和计票结果，代表选举委员会确认本轮选举结果（确认后选票不能再计入或更改）", "I have checked the figures and the result and certify this round for the election committee (no ballot can be counted or changed after)";
    oc_confirm_missing => "请先勾选确认框", "Tick the confirmation box first";
    oc_certified => "已确认", "Certified";
    oc_certified_flash => "本轮选举结果已确认并签名。", "The round's result is certified and signed.";
    oc_not_certified => "本轮选举结果尚未确认。", "This round's result is not certified yet.";
    oc_certified_by => "确认人", "Certified by";
    oc_certified_at => "确认时间", "Certified at";
    oc_public_key => "公钥（Ed25519）", "Public key (Ed25519)";
    oc_documents => "文件", "Documents";
    oc_doc_signed => "签名的选举结果文件（JSON）", "Signed result file (JSON)";
    oc_doc_results => "选举结果公告（PDF）", "Results notice (PDF)";
    oc_doc_certificates => "当选证书（PDF）", "Certificates of election (PDF)";
    oc_doc_json => "选举结果（JSON）", "Results (JSON)";
    oc_doc_nist => "选举结果（NIST SP 1500-100 JSON）", "Results (NIST SP 1500-100 JSON)";
    oc_doc_report => "选举情况报告（PDF）", "Report to the township (PDF)";
    oc_township => "报送的街道办事处或乡镇", "Township or street office the report goes to";
    oc_no_certificates => "本轮没有当选人员，无需发当选证书", "No one was elected: no certificates to issue";
    oc_void_documents => "本轮选举无效，没有选举结果公告和当选证书（原因见选举情况报告）", "This round is void: no results notice and no certificates (the report says why)";
    oc_rounds => "另行选举与再次投票", "Further rounds";
    oc_no_rounds => "尚无后续轮次。", "No later round yet.";
    oc_rounds_after => "结果确认后才能安排另行选举或再次投票。", "A further election or tie-break vote follows certification.";
    oc_round_day => "投票日", "Voting day";
    oc_create_further => "安排另行选举", "Hold a further election";
    oc_create_tie_break => "安排再次投票", "Hold a tie-break vote";
    oc_further => "另行选举", "Further election";
    oc_tie_break => "再次投票", "Tie-break vote";
    oc_round_created => "已创建{}。", "{} created.";
    oc_bad_day => "投票日应为日期（如2026-12-01）", "Voting day: a date such as 2026-12-01";
    oc_chain => "本届选举的完成情况", "Where the election stands";
    oc_chain_complete => "全部{}个名额均已选出（共{}人当选）", "All {} seats are filled ({} elected)";
    oc_chain_void => "第一轮选举无效，应重新选举", "The general round is void: it is held again";
    oc_chain_tie => "已当选{}人；{}个名额因票数相等须再次投票；另有{}个名额空缺", "{} elected; {} seats are tied, for a tie-break vote; {} more seats empty";
    oc_chain_further_required => "已当选{}人，尚有{}个名额空缺：须另行选举", "{} elected, {} seats empty: another further election is required";
    oc_chain_may_stay_empty => "另行选举后已当选{}人（不少于{}人），其余{}个名额可以空缺；如需要，也可以再次另行选举", "{} elected after the further election (at least {}): the remaining {} seats may stay empty; another further election is allowed, not required";
    oc_womens_line => "妇女名额（另行选举）", "Women's line (further election)";
    oc_womens_line_kept => "尚无女性当选：另行选举保留一个妇女名额，候选人只列女性", "No woman has been elected: the further election keeps a seat for a woman, with women only standing";

    // --- observer portal (issue 8) ------------------------------------------
    nav_observe => "观察员页面", "Observer portal";
    ob_title => "观察员页面", "Observer portal";
    ob_intro => "选举过程的公开记录：只能查看，不能更改任何内容。", "The election's public record: read only, nothing here changes anything.";
    ob_access => "观察员访问", "Observer access";
    ob_access_public => "公开：任何人无需登录即可查看", "Public: anyone may read it without signing in";
    ob_access_token => "须登录：观察员用自己的账号登录后查看", "Sign-in: observers read it after signing in with their own account";
    ob_access_save => "保存访问设置", "Save the access setting";
    ob_access_saved => "观察员访问设置已保存。", "Observer access saved.";
    ob_access_bad => "观察员访问（access）：应为 public 或 token", "access: must be public or token";
    ob_count_board => "实时计票看板", "Live count board";
    ob_count_board_hint => "各投票站已计票数，全部投票站结束投票后显示得票", "Ballots counted at each station; the votes once every station has closed";
    ob_reconciliation => "票数核对与计票结果", "Reconciliation and results";
    ob_reconciliation_hint => "各投票站领取、发出、收回、作废、剩余选票及差异；全部投票站结束投票后的计票结果", "Each station's ballots received, issued, returned, spoiled and unused, with discrepancies; the result once every station has closed";
    ob_voter_list => "选民名单指纹与更改记录", "Voter-list fingerprint and changes";
    ob_voter_list_hint => "公布的名单指纹，以及此后每一次更改的理由和更改后的指纹", "The published list's fingerprint, and each change since with its reason and the fingerprint after it";
    ob_audit => "审计日志与检查点", "Audit log and checkpoints";
    ob_audit_hint => "每一项操作的哈希链记录、签名检查点和验证结论", "Every step as a hash-chained entry, the signed checkpoints and the verification verdict";
    ob_downloads => "下载", "Downloads";
    ob_dl_case => "计票案卷（huanjie.case/1，可用 huanjie count 离线重新计票）", "Counting case (huanjie.case/1, to recount offline with huanjie count)";
    ob_dl_signed => "签名的选举结果（huanjie.signed-result/1）", "Signed result (huanjie.signed-result/1)";
    ob_dl_key => "本次选举的公钥（Ed25519）", "The election's public key (Ed25519)";
    ob_dl_log => "审计日志全文（huanjie.audit-log/1）", "The whole audit log (huanjie.audit-log/1)";
    ob_dl_checkpoints => "签名检查点（JSON）", "Signed checkpoints (JSON)";
    ob_not_yet => "尚未生成", "Not available yet";
    ob_not_published => "选民名单尚未公布。", "The voter list is not published yet.";
    ob_voters => "公布时选民人数", "Voters when published";
    ob_changes_count => "公布后更改次数", "Changes since publication";
    ob_change_kind => "类别", "Kind";
    ob_change_resident => "居民", "Resident";
    ob_fingerprint_after => "更改后指纹", "Fingerprint after";
    ob_verdict => "验证结论", "Verification";
    ob_verified => "日志完整：{} 条记录环环相扣，{} 个签名检查点均与日志相符。", "The log is intact: {} entries chain together and {} signed checkpoints match it.";
    ob_broken => "日志验证失败：", "The log does not verify: ";
    ob_head => "链头哈希", "Head hash";
    ob_checkpoints => "签名检查点", "Signed checkpoints";
    ob_no_checkpoints => "尚无签名检查点。", "No signed checkpoint yet.";
    ob_cp_size => "记录数", "Entries";
    ob_cp_at => "签名时间", "Signed at";
    ob_cp_signature => "签名", "Signature";
    ob_entries => "日志记录", "Entries";
    ob_no_entries => "尚无记录。", "No entries yet.";
    ob_entry_seq => "序号", "No.";
    ob_entry_at => "时间", "When";
    ob_entry_actor => "操作人", "By";
    ob_entry_action => "操作", "Action";
    ob_entry_details => "详情", "Details";
    ob_entry_hash => "哈希", "Hash";
    ob_page_range => "第 {}–{} 条，共 {} 条", "Entries {}–{} of {}";
    ob_page_first => "« 最早的记录", "« First entries";
    ob_page_next => "更多记录 »", "Later entries »";
    ob_result_later => "全部投票站结束投票、所有待裁定选票处理完毕后才显示计票结果：", "The result is shown once every station has closed and every ballot waiting for a person is decided: ";

    // --- sampling audit (抽样核对, issue 8) ------------------------------------
    nav_sample_audits => "抽样核对", "Sampling audit";
    sa_title => "抽样核对（纸质选票比对）", "Sampling audit (ballot comparison)";
    sa_intro => "计票完成后，在计票现场公开掷骰得到随机种子，由系统按公开的算法抽出若干票号；从纸质选票中取出这些选票，逐张与系统记录的划票比对，记录相符或不符。任何人都可以用同一种子和票号清单重新抽样核对（docs/sampling-audit.md）。", "Once the count is done, roll dice in public at the count for a seed; the system draws serials by a published algorithm. Pull those ballots from the paper, compare each with the marks the system recorded, and record match or discrepancy. Anyone can redo the draw from the same seed and list of serials (docs/sampling-audit.md).";
    sa_read_only => "抽样和记录核对结果由选举委员会进行；观察员可以查看并下载报告。", "The election committee draws and records findings; observers read and download the report.";
    sa_seed => "随机种子", "Seed";
    sa_seed_hint => "在计票现场公开掷骰，依次输入点数（至少20位数字，可用空格或短横线分隔）", "Roll dice in public at the count and type the faces in order (at least 20 digits; spaces or dashes allowed)";
    sa_size => "抽样数量", "Sample size";
    sa_start => "开始抽样", "Draw the sample";
    sa_none => "还没有抽样核对。", "No sampling audit yet.";
    sa_audit => "第{}次抽样核对", "Sample audit {}";
    sa_algorithm => "算法", "Algorithm";
    sa_population => "已计票选票", "Ballots counted";
    sa_fingerprint => "票号清单指纹", "Population fingerprint";
    sa_started => "抽样人 / 时间", "Drawn by / at";
    sa_matches => "相符", "Match";
    sa_discrepancies => "不符", "Discrepancy";
    sa_pending => "待核对", "Pending";
    sa_report => "核对报告（PDF）", "Report (PDF)";
    sa_population_list => "票号清单（重新抽样用）", "Serials drawn from (to redo the draw)";
    sa_position => "序号", "No.";
    sa_station_receipt => "投票站 · 回执", "Station · receipt";
    sa_recorded => "记录的划票", "Recorded marks";
    sa_finding => "核对结果", "Finding";
    sa_note => "说明（不符时必填）", "Note (required for a discrepancy)";
    sa_record => "记录", "Record";
    sa_reviewed => "曾交人工裁定，裁定人：{}", "Went to a person; decided by {}";
    sa_not_decided => "待人工裁定", "Waiting for a person's decision";
    sa_unreadable => "整张无法辨认（无效票）", "Unreadable as a whole (void)";
    sa_started_flash => "已完成第{}次抽样：请按票号从纸质选票中取出，逐张核对。", "Sample {} drawn: pull these serials from the paper ballots and compare each.";
    sa_recorded_flash => "已记录核对结果。", "Finding recorded.";
    sa_bad_size => "抽样数量（size）：应为正整数", "size: must be a whole number";

    // --- the term: recall, resignation, by-election (issue 7) -----------------
    tm_nav => "本届任期", "The term";
    tm_title => "任期：罢免、辞职与补选", "The term: recall, resignation and by-election";
    tm_intro => "本届成员以确认的选举结果为准（本届选举及其另行选举、再次投票，以及补选），减去被罢免和辞职获准的成员。", "The members are those of the certified results (the general round, its further elections and tie-breaks, and by-elections), less those recalled or whose resignation was accepted.";
    tm_of_general => "罢免、辞职和补选记在本届选举（第一轮）上：", "Recalls, resignations and by-elections are recorded on the term's general round: ";
    tm_not_certified => "本届选举结果尚未确认。结果确认后才有本届成员，才能办理罢免、辞职和补选（R-CERT-1）。", "The general round's result is not certified yet. The term, and with it recall, resignation and by-election, begins once it is (R-CERT-1).";
    tm_members => "在任成员", "Members in office";
    tm_no_members => "目前没有在任成员。", "Nobody sits at present.";
    tm_name => "姓名", "Name";
    tm_elected_in => "当选于", "Elected in";
    tm_vacancies => "空缺", "Vacancies";
    tm_vacant_seats => "空缺席位", "Vacant seats";
    tm_vacant_n => "空缺{}名", "{} vacant";
    tm_no_vacancy => "没有空缺。", "No seat is vacant.";
    tm_record => "罢免、辞职与补选记录", "Recalls, resignations and by-elections";
    tm_no_events => "尚无罢免、辞职或补选记录。", "No recall, resignation or by-election recorded yet.";
    tm_kind_recall => "罢免", "Recall";
    tm_kind_resignation => "辞职", "Resignation";
    tm_kind_by_election => "补选", "By-election";
    tm_state_requested => "已提出，待表决", "Requested, waiting for its vote";
    tm_state_voting => "表决中", "Being voted on";
    tm_state_recalled => "已罢免", "Recalled";
    tm_state_retained => "罢免未通过", "Not recalled";
    tm_state_accepted => "辞职已接受", "Resignation accepted";
    tm_state_refused => "辞职未获同意", "Resignation not accepted";
    tm_state_by_voting => "补选进行中", "By-election under way";
    tm_state_held => "已补选", "Held";
    tm_req_voters => "选民联名{}人（登记选民{}人）", "{} voters signed (of {} registered)";
    tm_req_reps => "代表联名{}人（代表共{}人）", "{} representatives signed (of {})";
    tm_reasons => "理由", "Reasons";
    tm_reasons_hint => "罢免要求应当书面提出并写明理由。", "In writing, with the reasons.";
    tm_lodged_on => "提出日期", "Lodged on";
    tm_answer => "被罢免人的申辩意见", "The member's answer";
    tm_no_answer => "尚未申辩", "no answer yet";
    tm_vote => "表决", "Vote";
    tm_vote_certified => "结果已确认", "result certified";
    tm_vote_not_certified => "结果尚未确认", "result not certified yet";
    tm_recall_figures => "登记选民{}人，参加投票{}人，赞成罢免{}票", "{} registered, {} voted, {} for the recall";
    tm_turnout_met => "参加投票的选民过半数", "More than half of the voters voted";
    tm_turnout_not_met => "参加投票的选民未过半数", "Not more than half of the voters voted";
    tm_approved => "赞成罢免的票数过参加投票人数的半数", "More than half of those voting were for the recall";
    tm_not_approved => "赞成罢免的票数未过参加投票人数的半数", "Not more than half of those voting were for the recall";
    tm_written_on => "书面辞职日期", "Written resignation dated";
    tm_reason => "辞职理由", "Reason";
    tm_meeting_figures => "会议组成人员{}人，出席{}人，同意{}人", "The meeting: {} members, {} present, {} in favour";
    tm_held_on => "会议日期", "Meeting held on";
    tm_by_seats => "补选{}名，补选日{}", "{} seat(s) to fill, voting on {}";
    tm_by_elected => "当选", "Elected";
    tm_by_nobody => "无人当选", "Nobody was elected";
    tm_recorded_by => "办理人", "Recorded by";
    tm_request_recall => "提出罢免要求", "Request a recall";
    tm_member => "被罢免人", "Member";
    tm_initiated_by => "提出人", "Requested by";
    tm_by_voters => "选民联名", "Voters' signatures";
    tm_by_reps => "代表联名", "Representatives' signatures";
    tm_signatures => "联名人数", "Signatures";
    tm_representatives => "代表总数（代表联名时填写）", "All representatives (when they ask)";
    tm_submit_recall => "登记罢免要求", "Record the recall request";
    tm_answer_text => "申辩意见", "Answer";
    tm_submit_answer => "记录申辩意见", "Record the answer";
    tm_vote_day => "罢免表决日", "Day of the recall vote";
    tm_submit_vote => "付诸表决", "Put it to the vote";
    tm_decide_hint => "表决结果确认后，按确认的票数决定是否罢免。", "Once the vote is certified, decide from its certified figures.";
    tm_submit_decide => "按表决结果决定", "Decide from the vote";
    tm_resign => "辞职", "Resignation";
    tm_resigning => "辞职成员", "Member resigning";
    tm_meeting_members => "会议组成人员总数", "Members of the meeting";
    tm_meeting_present => "出席人数", "Present";
    tm_meeting_in_favour => "同意人数", "In favour";
    tm_submit_resign => "记录辞职及会议决定", "Record the resignation and the meeting's decision";
    tm_call_by => "补选", "By-election";
    tm_by_position => "补选职务", "Position";
    tm_by_day => "补选日", "Voting day";
    tm_by_candidates => "候选人（每行一人：姓名 性别，性别写男或女）", "Candidates (one a line: the name, then the gender, M or F)";
    tm_submit_by => "安排补选", "Call the by-election";
    tm_submit_close => "补选结果已确认，记入本届", "Its result is certified: seat who was elected";
    tm_done => "已记录。", "Recorded.";
    tm_vote_created => "已创建表决：", "Vote created: ";
    tm_bad_number => "{}：应为整数", "{}: must be a whole number";
    tm_bad_date => "{}：应为日期（如2026-12-01）", "{}: must be a date such as 2026-12-01";
    tm_required => "{}：必须填写", "{}: required";

    // --- supervisory committee recusals (回避, R-BODY-4) ------------------------
    rcs_title => "回避情形", "Recusals";
    rcs_intro => "居民委员会成员、社区党组织成员及其配偶和近亲属、社区财务人员不得担任居务监督委员会成员（党员可以担任主任）。在此登记谁担任这些职务；提名时据此审查。", "Members of the residents' committee and of the community party organisation, their spouses and close relatives, and the community's finance staff may not sit on the supervisory committee (a party member may stand for chair). Record here who holds these offices; nominations are checked against them.";
    rcs_none => "尚未登记回避情形。", "No recusal recorded yet.";
    rcs_resident => "居民", "Resident";
    rcs_resident_hint => "公民身份号码或名册记录号", "Resident ID or roll record id";
    rcs_office => "担任的职务", "Office held";
    rcs_office_residents_committee => "居民委员会成员", "Member of the residents' committee";
    rcs_office_party_organisation => "社区党组织成员", "Member of the community party organisation";
    rcs_office_finance_staff => "社区财务人员", "Community finance staff";
    rcs_recorded => "登记人 / 时间", "Recorded by / at";
    rcs_submit => "登记回避情形", "Record the recusal";

    // --- homeowners' assembly (业主大会, R-OWN-1) ---------------------------------
    nav_homeowners => "业主大会表决", "Homeowners' assembly";
    ho_title => "业主大会：业主名册与表决", "Homeowners' assembly: owners and votes";
    ho_intro => "业主大会的决定按专有部分面积和业主人数双重计算（R-OWN-1）：专有部分面积占比{}的业主且人数占比{}的业主参与表决；一般事项（含选举业主委员会）须经参与表决专有部分面积{}且参与表决人数{}的业主同意；筹集、使用专项维修资金，改建、重建建筑物须经参与表决专有部分面积{}且参与表决人数{}的业主同意。一套房屋算一名业主；一人拥有多套房屋只算一名业主；开发商未出售的房屋合计算一名业主。", "Homeowners' assembly decisions count twice, by exclusive floor area and by owners (R-OWN-1): owners holding {} of the area and {} of the owners must take part; an ordinary decision (electing the committee included) needs {} of the participating area and {} of the participating owners; maintenance funds and rebuilding need {} of the area and {} of the owners. One unit is one owner; an owner of several units is one owner; the developer's unsold units together are one owner.";
    ho_read_only => "业主名册、表决事项和投票由选举委员会录入；观察员可以查看。", "The election committee imports the register, puts matters and records votes; observers read.";
    ho_register => "业主名册", "Owners' register";
    ho_register_file => "业主名册文件（CSV，UTF-8；表头：房号,专有部分面积,业主姓名,是否开发商未售）", "Register file (CSV, UTF-8; headers 房号,专有部分面积,业主姓名,是否开发商未售)";
    ho_import => "导入业主名册", "Import the register";
    ho_register_fixed => "已有事项提交表决，业主名册不能再更换。", "Matters have been put to the assembly: the register can no longer be replaced.";
    ho_no_register => "还没有导入业主名册。", "No owners' register yet.";
    ho_imported_flash => "业主名册已导入。", "Owners' register imported.";
    ho_total_owners => "业主人数", "Owners";
    ho_total_units => "房屋套数", "Units";
    ho_total_area => "专有部分总面积（㎡）", "Total exclusive area (m²)";
    ho_number => "编号", "No.";
    ho_owner => "业主", "Owner";
    ho_units => "房号", "Units";
    ho_area => "面积（㎡）", "Area (m²)";
    ho_developer => "开发商（未售房屋）", "Developer (unsold units)";
    ho_matters => "表决事项", "Matters";
    ho_no_matters => "还没有表决事项。", "No matter yet.";
    ho_matter_title => "事项名称", "Title";
    ho_kind => "事项类别", "Kind";
    ho_kind_ordinary => "一般事项（含选举业主委员会）：双过半", "Ordinary (electing the committee included): more than half of both";
    ho_kind_special => "重大事项（维修资金、改建重建）：双四分之三", "Special (maintenance funds, rebuilding): three quarters of both";
    ho_add_matter => "提交表决", "Put to the assembly";
    ho_matter_flash => "已提交表决。", "Matter put to the assembly.";
    ho_matter => "第{}项：{}", "Matter {}: {}";
    ho_measure => "项目", "Measure";
    ho_by_area => "专有部分面积（㎡）", "Area (m²)";
    ho_by_owners => "人数", "Owners";
    ho_participating => "参与表决", "Taking part";
    ho_for => "同意", "For";
    ho_against => "反对", "Against";
    ho_abstain => "弃权", "Abstain";
    ho_total => "全体业主", "All owners";
    ho_passed => "通过", "Passed";
    ho_not_passed => "未通过", "Not passed";
    ho_votes_by_mode => "书面表决 {} 票，现场表决 {} 票", "{} written votes, {} in person";
    ho_record_vote => "录入表决票", "Record a vote";
    ho_choice => "表决意见", "Choice";
    ho_mode => "表决方式", "How";
    ho_written => "书面（收到的书面表决票）", "Written (as received)";
    ho_in_person => "现场（会议现场投票）", "In person (as cast)";
    ho_record => "录入", "Record";
    ho_vote_flash => "已录入表决票。", "Vote recorded.";
    ho_votes => "已投票业主", "Votes";
    ho_all_voted => "所有业主都已对本事项表决。", "Every owner has voted on this matter.";

    // --- electing the homeowners' committee (R-OWN-1, R-BODY-6) ------------
    hoc_title => "业主委员会选举", "Electing the homeowners' committee";
    hoc_heading => "第{}次选举：{}", "Committee election {}: {}";
    hoc_seats => "应选{}名；每名业主最多同意{}名候选人（R-OWN-1、R-BODY-6）。", "{} seats; each owner may vote for at most {} candidates (R-OWN-1, R-BODY-6).";
    hoc_ranking => "通过的候选人多于应选名额时的排序（配置文件）：{}", "Ranking when more candidates pass than there are seats (profile): {}";
    hoc_owners_then_area => "同意人数多者在前，人数相同按同意面积", "more owners in favour first, then more area";
    hoc_area_then_owners => "同意面积多者在前，面积相同按同意人数", "more area in favour first, then more owners";
    hoc_ballots => "{}名业主投票", "{} owners voted";
    hoc_candidate => "候选人", "Candidate";
    hoc_for_owners => "同意人数", "Owners for";
    hoc_for_area => "同意面积（㎡）", "Area for (m²)";
    hoc_rank => "名次", "Place";
    hoc_standing => "结果", "Outcome";
    hoc_elected => "当选", "Elected";
    hoc_tied => "票数相同，争最后席位：由业主大会决定", "Level for the last seat: for the assembly to settle";
    hoc_ranked_out => "通过，但名次在应选名额之外", "Passed, ranked below the seats";
    hoc_failed => "未通过", "Not passed";
    hoc_new => "提交业主委员会选举", "Put a committee election to the assembly";
    hoc_new_title => "选举名称", "Title";
    hoc_new_seats => "应选席位（5至11名的单数，R-BODY-6）", "Seats (5 to 11, an odd number; R-BODY-6)";
    hoc_new_candidates => "候选人（每行一名）", "Candidates (one name per line)";
    hoc_add => "提交表决", "Put to the assembly";
    hoc_added_flash => "已提交业主委员会选举。", "Committee election put to the assembly.";
    hoc_record_ballot => "录入一名业主的选票", "Record one owner's ballot";
    hoc_ballot_hint => "对每名候选人选择同意、反对或弃权（默认弃权）；同意的不得超过应选席位数{}名（R-OWN-1、R-BODY-6）。", "For each candidate choose for, against or abstain (abstain unless marked); at most {} for, as many as there are seats (R-OWN-1, R-BODY-6).";
    hoc_yes => "同意", "For";
    hoc_no => "反对", "Against";
    hoc_abstain => "弃权", "Abstain";
    hoc_record => "录入选票", "Record the ballot";
    hoc_ballot_flash => "已录入选票。", "Ballot recorded.";
    hoc_all_voted => "所有业主都已在本次选举中投票。", "Every owner has voted in this election.";

    // --- board of supervisors (监事会, R-BODY-6) ----------------------------------
    brd_title => "监事会成员总数", "The board's whole size";
    brd_intro => "职工代表大会只选举职工代表监事；其余监事由股东会选举。监事会成员不少于{}人，职工代表监事应占{}。在此登记监事会成员总数（全体监事），职工代表监事的席位据此核对。", "The workers' congress elects the employee supervisors only; the shareholders elect the others. The board has at least {} members, the employee supervisors {} of them. Record the board's whole size (every supervisor) here; the employee seats are checked against it.";
    brd_size => "监事会成员总数", "Supervisors in all";
    brd_not_recorded => "尚未登记", "Not recorded yet";
    brd_recorded => "登记人 / 时间", "Recorded by / at";
    brd_submit => "登记监事会成员总数", "Record the board's size";
    rcs_intro_board => "公司董事、高级管理人员不得兼任监事。在此登记谁担任这些职务；提名时据此审查。", "A director or senior manager of the company may not sit on the board of supervisors. Record here who holds these offices; nominations are checked against them.";
    rcs_office_company_director => "公司董事", "Director of the company";
    rcs_office_senior_manager => "公司高级管理人员", "Senior manager of the company";
}

/// The two interface languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// The cookie that remembers the choice.
pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The value used in `?lang=` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// For `<html lang=…>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language the switch link leads to.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// `?lang=` wins over the cookie (the link was just clicked), the cookie
    /// over the default.
    pub fn from_parts(parts: &Parts) -> Lang {
        query_lang(parts.uri.query())
            .or_else(|| {
                crate::auth::cookie(&parts.headers, LANG_COOKIE).and_then(|v| Lang::parse(&v))
            })
            .unwrap_or_default()
    }
}

/// The language asked for in a query string, if any.
pub fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::from_parts(parts))
    }
}

/// Fills each `{}` in `template` with the next argument, in order. The
/// table's strings are plain data, so this is all the formatting they need.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut args = args.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(args.next().copied().unwrap_or(""));
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_in_order() {
        assert_eq!(fill("a {} b {}", &["1", "2"]), "a 1 b 2");
        assert_eq!(fill("none", &["x"]), "none");
    }

    #[test]
    fn query_lang_finds_the_parameter() {
        assert_eq!(query_lang(Some("x=1&lang=en")), Some(Lang::En));
        assert_eq!(query_lang(Some("lang=zh")), Some(Lang::Zh));
        assert_eq!(query_lang(Some("lang=fr")), None);
        assert_eq!(query_lang(None), None);
    }

    #[test]
    fn both_languages_differ_where_it_matters() {
        assert_ne!(ZH.sign_in_title, EN.sign_in_title);
        assert_eq!(Lang::Zh.other(), Lang::En);
    }
}
