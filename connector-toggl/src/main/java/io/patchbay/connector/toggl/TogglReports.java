package io.patchbay.connector.toggl;

import io.patchbay.connector.toggl.TogglFailures.Op;
import io.patchbay.spi.ConnectorException;
import io.patchbay.spi.Credentials;
import io.patchbay.spi.InsufficientPermissions;
import io.patchbay.spi.ProviderUnavailable;
import io.patchbay.spi.RateLimited;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import retrofit2.Response;

/**
 * The detailed-report search of Reports API v3 over any date range. Pages are chained through the
 * {@code X-Next-Row-Number} header, sent back as {@code first_row_number}; the header is absent on the last page.
 * Long ranges are cut into windows of at most one year: Toggl documents no span limit for v3, and Reports v2
 * silently answered nothing beyond a year, so the connector never asks for more. Toggl's spec wants each window's
 * {@code start_date} before its {@code end_date}, so no window is a single day (see {@link #windows}).
 */
final class TogglReports {
    static final String NEXT_ROW_NUMBER = "X-Next-Row-Number";
    static final int PAGE_SIZE = 50;

    private static final Op SEARCH = Op.read("POST /reports/api/v3/workspace/{workspace_id}/search/time_entries");

    private final TogglHttp http;

    TogglReports(TogglHttp http) {
        this.http = http;
    }

    /**
     * Every entry of the search, flattened; {@code pages} and {@code truncated} tell how it went, and
     * {@code truncated_by} why it stopped early: the page cap, or the hourly quota spent after some pages (then
     * {@code quota_resets_in_seconds} says when to go on). A quota spent before the first page is a failure.
     */
    Map<String, Object> search(Credentials credentials, long workspaceId, LocalDate start, LocalDate end,
                               Dto.ReportQuery filters) {
        boolean ascending = "ASC".equals(filters.orderDir());
        List<LocalDate[]> windows = windows(start, end);
        if (!ascending) {
            java.util.Collections.reverse(windows);
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        int pages = 0;
        int maxPages = http.settings().reportMaxPages();
        String truncatedBy = null;
        Long quotaResetsIn = null;
        for (LocalDate[] window : windows) {
            Long next = null;
            do {
                if (pages == maxPages) {
                    truncatedBy = "page_cap";
                    break;
                }
                Dto.ReportQuery query = filters.page(window[0].toString(), window[1].toString(), next);
                Response<List<Dto.ReportRow>> response;
                try {
                    response = http.exchange(credentials, SEARCH,
                            auth -> http.api().searchTimeEntries(auth, workspaceId, query));
                } catch (InsufficientPermissions e) {
                    throw planRefusal(e, filters);
                } catch (RateLimited e) {
                    // A Free organization has 30 calls an hour: a long search can spend them part way. The pages
                    // read cost quota too, so hand them back, marked, rather than throw them away.
                    if (!e.quotaExhausted() || pages == 0) {
                        throw e;
                    }
                    truncatedBy = "quota";
                    quotaResetsIn = e.retryAfter().toSeconds();
                    break;
                }
                pages++;
                List<Dto.ReportRow> rows = response.body() == null ? List.of() : response.body();
                rows.forEach(row -> entries.addAll(Output.reportEntries(row, entry -> within(entry, start, end))));
                Long following = nextRow(response.headers().get(NEXT_ROW_NUMBER));
                if (following != null && next != null && following <= next) {
                    throw new ProviderUnavailable("paging_loop", "Toggl's report paging did not move forward ("
                            + SEARCH.what() + ")", null);
                }
                next = following;
            } while (next != null);
            if (truncatedBy != null) {
                break;
            }
        }
        return Output.ordered("time_entries", List.copyOf(entries), "pages", pages, "truncated", truncatedBy != null,
                "truncated_by", truncatedBy, "quota_resets_in_seconds", quotaResetsIn);
    }

    /**
     * Toggl's 402 names no field, but the spec marks the billable filter a paid ("premium") feature: when it was
     * sent, say so, so the caller knows which input to drop on a Free workspace.
     */
    private static ConnectorException planRefusal(InsufficientPermissions e, Dto.ReportQuery filters) {
        if (!"plan_required".equals(e.code()) || filters.billable() == null) {
            return e;
        }
        return new InsufficientPermissions("plan_required", e.getMessage() + "; the billable filter needs a paid "
                + "Toggl plan (Starter or above): leave billable out on a Free workspace", 402);
    }

    /**
     * Whether the entry started on a day asked for, in the user's zone as Toggl counts days: a one-day search asks
     * Toggl for two days (see {@link #windows}), and the other day's entries are dropped here.
     */
    private static boolean within(Dto.ReportEntry entry, LocalDate start, LocalDate end) {
        if (entry.start() == null) {
            return true;
        }
        LocalDate day = entry.start().toLocalDate();
        return !day.isBefore(start) && !day.isAfter(end);
    }

    /**
     * [start, end] cut into consecutive windows of at most one year, oldest first; only the years a time entry can
     * start in ({@link TogglActions#FIRST_START_YEAR} to {@link TogglActions#LAST_START_YEAR}): each window costs a
     * request of an hourly quota, and "until 2099" would spend it on years that hold nothing. Toggl's spec wants
     * {@code start_date} less than {@code end_date}: a window that would leave a single day after it ends a day
     * early, so the last window has two days, and a range of a single day is asked as that day and the next.
     */
    static List<LocalDate[]> windows(LocalDate start, LocalDate end) {
        List<LocalDate[]> windows = new ArrayList<>();
        // A day wider on each side: start years are checked in UTC, report dates are the user's own.
        LocalDate first = LocalDate.of(TogglActions.FIRST_START_YEAR, 1, 1).minusDays(1);
        LocalDate last = LocalDate.of(TogglActions.LAST_START_YEAR, 12, 31).plusDays(1);
        LocalDate from = start.isBefore(first) ? first : start;
        LocalDate until = end.isAfter(last) ? last : end;
        if (from.equals(until)) {
            windows.add(new LocalDate[] {from, from.plusDays(1)});
            return windows;
        }
        while (from.isBefore(until)) {
            LocalDate to = from.plusYears(1).minusDays(1);
            if (!to.isBefore(until)) {
                to = until;
            } else if (to.plusDays(1).equals(until)) {
                to = to.minusDays(1);
            }
            windows.add(new LocalDate[] {from, to});
            from = to.plusDays(1);
        }
        return windows;
    }

    private static Long nextRow(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            throw new ProviderUnavailable("unreadable_response", "Toggl sent an unreadable " + NEXT_ROW_NUMBER
                    + " header (" + SEARCH.what() + ")", e);
        }
    }
}
