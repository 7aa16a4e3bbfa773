/** One wording of a User-Agent for the page and the security notifications (a leaf module, no runtime). */
export { describeUserAgent } from '../../shared/model/user-agent';
