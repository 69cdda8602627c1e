-- nn.SpatialAutoCropMSECriterion([sizeAverage = true]): MSECriterion between an image (C x H
-- x W, or a batch N x C x H x W) and the centre crop of a target of larger (or equal)
-- height and width: the crop starts at row 1 + floor((Ht - H) / 2), column
-- 1 + floor((Wt - W) / 2). For networks whose output is smaller than their target.
local nn = require 'nn'
local utils = nn.utils

local SpatialAutoCropMSECriterion, parent = torch.class('nn.SpatialAutoCropMSECriterion',
                                                        'nn.MSECriterion')

function SpatialAutoCropMSECriterion:__init(sizeAverage)
   parent.__init(self, sizeAverage)
end

function SpatialAutoCropMSECriterion:_crop(input, target)
   self:_checkFloat(input, 'input')
   self:_checkFloat(target, 'target')
   local d = input:dim()
   if d ~= 3 and d ~= 4 then
      self:_error('input of size %s, expected C x H x W or N x C x H x W', utils.sizestr(input))
   end
   if target:dim() ~= d then
      self:_error('target of size %s, expected %d dimensions as the input of size %s',
                  utils.sizestr(target), d, utils.sizestr(input))
   end
   for i = 1, d - 2 do
      if target:size(i) ~= input:size(i) then
         self:_error('target of size %s does not match the input of size %s in dimension %d',
                     utils.sizestr(target), utils.sizestr(input), i)
      end
   end
   local h, w, ht, wt = input:size(d - 1), input:size(d), target:size(d - 1), target:size(d)
   if h > ht or w > wt then
      self:_error('input of size %s is larger than the target of size %s (height, width)',
                  utils.sizestr(input), utils.sizestr(target))
   end
   local r0, c0 = 1 + (ht - h) // 2, 1 + (wt - w) // 2
   return target:narrow(d - 1, r0, h):narrow(d, c0, w)
end

function SpatialAutoCropMSECriterion:updateOutput(input, target)
   return parent.updateOutput(self, input, self:_crop(input, target))
end

function SpatialAutoCropMSECriterion:updateGradInput(input, target)
   return parent.updateGradInput(self, input, self:_crop(input, target))
end

return SpatialAutoCropMSECriterion
